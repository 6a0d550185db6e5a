package import NIOCore
package import NIOHTTP1

/// A whole response, built by the routes before anything is written. The body is a list of
/// buffers written one after another, so a cached part of a scrape goes out without a copy.
package struct HTTPResponse: Sendable {
    package var status: HTTPResponseStatus
    package var contentType: String
    package var parts: [ByteBuffer]
    /// Headers beyond Content-Type and Content-Length.
    package var headers: [(String, String)]

    package init(status: HTTPResponseStatus, contentType: String, parts: [ByteBuffer], headers: [(String, String)] = []) {
        self.status = status
        self.contentType = contentType
        self.parts = parts
        self.headers = headers
    }

    package init(status: HTTPResponseStatus, contentType: String, body: [UInt8]) {
        self.init(status: status, contentType: contentType, parts: [ByteBuffer(bytes: body)])
    }

    package init(status: HTTPResponseStatus, text: String) {
        self.init(status: status, contentType: "text/plain; charset=utf-8", parts: [ByteBuffer(string: text)])
    }

    package var contentLength: Int {
        parts.reduce(0) { $0 + $1.readableBytes }
    }

    /// The body as one array (tests and small responses).
    package var body: [UInt8] {
        parts.flatMap { Array($0.readableBytesView) }
    }
}
