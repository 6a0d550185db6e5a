public import NIOCore
public import NIOHTTP1

/// A whole response, built by the routes before anything is written. The body is a list of
/// buffers written one after another, so a cached part of a scrape goes out without a copy.
public struct HTTPResponse: Sendable {
    public var status: HTTPResponseStatus
    public var contentType: String
    public var parts: [ByteBuffer]
    /// Headers beyond Content-Type and Content-Length.
    public var headers: [(String, String)]

    public init(status: HTTPResponseStatus, contentType: String, parts: [ByteBuffer], headers: [(String, String)] = []) {
        self.status = status
        self.contentType = contentType
        self.parts = parts
        self.headers = headers
    }

    public init(status: HTTPResponseStatus, contentType: String, body: [UInt8]) {
        self.init(status: status, contentType: contentType, parts: [ByteBuffer(bytes: body)])
    }

    public init(status: HTTPResponseStatus, text: String) {
        self.init(status: status, contentType: "text/plain; charset=utf-8", parts: [ByteBuffer(string: text)])
    }

    public var contentLength: Int {
        parts.reduce(0) { $0 + $1.readableBytes }
    }

    /// The body as one array (tests and small responses).
    public var body: [UInt8] {
        parts.flatMap { Array($0.readableBytesView) }
    }
}
