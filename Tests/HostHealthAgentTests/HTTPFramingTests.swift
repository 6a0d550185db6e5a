import Foundation
@testable import HostHealthAgent
import HostHealthConfig
import NIOCore
import NIOEmbedded
import NIOPosix
import Testing

/// One connection of the HTTP server on an `NIOAsyncTestingChannel`, with the server's own
/// pipeline (`HTTPServer.configure`) and request loop (`HTTPServer.serve`): what a client
/// writes goes in as bytes, what the server answers comes out as bytes. No socket is opened.
final class TestConnection {
    let channel: NIOAsyncTestingChannel
    private let served: Task<Void, Never>
    /// Answer bytes read from the channel but not yet taken as a response.
    private var unread = ByteBuffer()

    init(routes: Routes, security: WebSecurity? = nil) async throws {
        let channel = NIOAsyncTestingChannel()
        self.channel = channel
        let connection = try await channel.testingEventLoop.executeInContext { try HTTPServer.configure(channel, tls: nil) }
        try await channel.connect(to: SocketAddress(ipAddress: "192.0.2.7", port: 40000))
        served = Task {
            await HTTPServer.serve(connection, routes: routes, security: security, logger: quietLogger, listener: "test")
        }
    }

    func send(_ request: String) async throws {
        try await channel.writeInbound(ByteBuffer(string: request))
    }

    /// One answer as it came over the wire.
    struct Response {
        var statusLine: String
        var headers: [(name: String, value: String)]
        var body: String

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    /// Reads the next answer: its head and then as many body bytes as `Content-Length` says,
    /// none for the answer to a HEAD request. Bytes after it stay for the next answer, so a
    /// body where none belongs shows up there.
    func response(toHEAD: Bool = false) async throws -> Response {
        while true {
            if let response = takeResponse(bodyFollows: !toHEAD) { return response }
            switch try await channel.waitForOutboundWrite(as: IOData.self) {
            case .byteBuffer(var buffer): unread.writeBuffer(&buffer)
            case .fileRegion: Issue.record("the server wrote a file region")
            }
        }
    }

    private func takeResponse(bodyFollows: Bool) -> Response? {
        let text = String(buffer: unread)
        guard let end = text.range(of: "\r\n\r\n") else { return nil }
        let lines = text[..<end.lowerBound].components(separatedBy: "\r\n")
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let headLength = text.utf8.distance(from: text.startIndex, to: end.upperBound)
        let bodyLength = bodyFollows ? headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0 : 0
        guard unread.readableBytes >= headLength + bodyLength else { return nil }
        unread.moveReaderIndex(forwardBy: headLength)
        let body = unread.readString(length: bodyLength) ?? ""
        unread.discardReadBytes()
        return Response(statusLine: lines[0], headers: headers, body: body)
    }

    /// Waits for the server to close the connection and its request loop to end.
    func waitUntilClosed() async throws {
        try await channel.closeFuture.get()
        await served.value
    }

    /// Hangs up as a client would and waits for the request loop to end.
    func hangUp() async throws {
        try await channel.close()
        await served.value
    }

    /// Waits until the server has closed the connection itself.
    func closed() async throws {
        await served.value
        try await channel.closeFuture.get()
    }
}

@Suite("HTTPServer: HTTP/1 framing through the server's pipeline, without a socket", .timeLimit(.minutes(1)))
struct HTTPFramingTests {
    let clock = TestClock()

    var routes: Routes {
        Routes(engine: makeEngine(AgentConfig(), clock: clock))
    }

    @Test func keepAliveAnswersEveryRequestOnOneConnectionUntilConnectionClose() async throws {
        let connection = try await TestConnection(routes: routes)
        try await connection.send("GET /livez HTTP/1.1\r\nHost: agent\r\n\r\n")
        let first = try await connection.response()
        try await connection.send("GET /livez HTTP/1.1\r\nHost: agent\r\n\r\n")
        let second = try await connection.response()
        for response in [first, second] {
            #expect(response.statusLine == "HTTP/1.1 200 OK")
            #expect(response.body == "ok\n")
            #expect(response.header("Connection") == nil)
        }
        #expect(connection.channel.isActive)
        try await connection.send("GET /livez HTTP/1.1\r\nHost: agent\r\nConnection: close\r\n\r\n")
        let last = try await connection.response()
        #expect(last.body == "ok\n")
        #expect(last.header("Connection") == "close")
        try await connection.waitUntilClosed()
    }

    @Test func http10IsAnsweredInKindAndClosedAfterTheReply() async throws {
        let connection = try await TestConnection(routes: routes)
        try await connection.send("GET /livez HTTP/1.0\r\n\r\n")
        let response = try await connection.response()
        #expect(response.statusLine == "HTTP/1.0 200 OK")
        #expect(response.header("Connection") == "close")
        #expect(response.header("Content-Length") == "3")
        #expect(response.body == "ok\n")
        try await connection.waitUntilClosed()
    }

    @Test func http10WithKeepAliveStaysOpenAndSaysSo() async throws {
        let connection = try await TestConnection(routes: routes)
        try await connection.send("GET /livez HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        let response = try await connection.response()
        #expect(response.header("Connection") == "keep-alive")
        #expect(connection.channel.isActive)
        try await connection.hangUp()
    }

    @Test func headHasTheHeadersOfGetAndNoBody() async throws {
        let connection = try await TestConnection(routes: routes)
        try await connection.send("GET / HTTP/1.1\r\nHost: agent\r\n\r\n")
        let get = try await connection.response()
        try await connection.send("HEAD / HTTP/1.1\r\nHost: agent\r\n\r\n")
        let head = try await connection.response(toHEAD: true)
        #expect(head.statusLine == "HTTP/1.1 200 OK")
        #expect(head.header("Content-Length") == get.header("Content-Length"))
        #expect(head.header("Content-Type") == get.header("Content-Type"))
        #expect(Int(get.header("Content-Length") ?? "") == get.body.utf8.count)
        // The next answer follows the head at once: no body came between.
        try await connection.send("GET /livez HTTP/1.1\r\nHost: agent\r\n\r\n")
        let next = try await connection.response()
        #expect(next.statusLine == "HTTP/1.1 200 OK")
        #expect(next.body == "ok\n")
        try await connection.hangUp()
    }

    /// Refused at the head, before any of the body is read; the connection then closes, so the
    /// rest of a 100 MB upload is never read.
    @Test func aBodyPastTheLimitIsRefusedWith413AtTheHeadAndTheConnectionCloses() async throws {
        let connection = try await TestConnection(routes: routes)
        try await connection.send("POST /livez HTTP/1.1\r\nHost: agent\r\nContent-Length: 104857600\r\n\r\n")
        let refused = try await connection.response()
        #expect(refused.statusLine == "HTTP/1.1 413 Payload Too Large")
        #expect(refused.header("Connection") == "close")
        #expect(refused.body == "request bodies are limited to 4096 bytes\n")
        // (How much more it reads before it closes is e2e.py's, on a real socket: a testing
        // channel cannot half-close.)
        try await connection.closed()
    }

    @Test func aChunkedBodyPastTheLimitIsRefusedAsSoonAsItIs() async throws {
        let connection = try await TestConnection(routes: routes)
        let chunk = String(repeating: "x", count: 3000)
        let framed = "bb8\r\n\(chunk)\r\n"
        try await connection.send("POST /livez HTTP/1.1\r\nHost: agent\r\nTransfer-Encoding: chunked\r\n\r\n" + framed + framed)
        let refused = try await connection.response()
        #expect(refused.statusLine == "HTTP/1.1 413 Payload Too Large")
        #expect(refused.header("Connection") == "close")
        try await connection.closed()
    }

    @Test func aBodyAtTheLimitReachesTheRoutes() async throws {
        let connection = try await TestConnection(routes: routes)
        let body = String(repeating: "x", count: HTTPServer.maxBodyBytes)
        try await connection.send("POST /livez HTTP/1.1\r\nHost: agent\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body)
        // The routes answer: a POST to a read-only endpoint is not allowed.
        #expect(try await connection.response().statusLine == "HTTP/1.1 405 Method Not Allowed")
        try await connection.hangUp()
    }
}

/// Slowloris: every byte restarts the idle timer, so a head trickled a byte at a time must
/// meet a deadline of its own, counted from its first byte.
@Suite("HTTPServer: a whole request within the request deadline", .timeLimit(.minutes(1)))
struct RequestDeadlineTests {
    let clock = TestClock()
    var routes: Routes { Routes(engine: makeEngine(AgentConfig(), clock: clock)) }
    let justUnder = HTTPServer.requestTimeout - .milliseconds(1)

    @Test func aHeadTrickledPastTheDeadlineClosesTheConnection() async throws {
        let connection = try await TestConnection(routes: routes)
        let step = TimeAmount.milliseconds(300)
        var elapsed = TimeAmount.zero
        for byte in ("GET /health HTTP/1.1\r\nX-Padding: " + String(repeating: "a", count: 100)).utf8 {
            try await connection.send(String(decoding: [byte], as: UTF8.self))
            await connection.channel.testingEventLoop.advanceTime(by: step)
            elapsed = elapsed + step
            if !connection.channel.isActive { break }
        }
        #expect(!connection.channel.isActive, "a head still not whole after \(HTTPServer.requestTimeout) stays open")
        #expect(elapsed >= HTTPServer.requestTimeout && elapsed < HTTPServer.requestTimeout + step)
        try await connection.closed()
    }

    @Test func aBodyThatNeverEndsClosesTheConnectionAtTheDeadline() async throws {
        let connection = try await TestConnection(routes: routes)
        try await connection.send("POST /maintenance HTTP/1.1\r\nHost: agent\r\nContent-Length: 100\r\n\r\nstate=on")
        await connection.channel.testingEventLoop.advanceTime(by: justUnder)
        #expect(connection.channel.isActive)
        await connection.channel.testingEventLoop.advanceTime(by: .milliseconds(1))
        try await connection.closed()
    }

    /// Waiting between requests is the idle timeout's; the next request's clock starts at its
    /// own first byte.
    @Test func keepAliveBetweenRequestsHasNoDeadlineAndEachRequestGetsItsOwn() async throws {
        let connection = try await TestConnection(routes: routes)
        try await connection.send("GET /livez HTTP/1.1\r\nHost: agent\r\n\r\n")
        #expect(try await connection.response().body == "ok\n")
        await connection.channel.testingEventLoop.advanceTime(by: HTTPServer.idleTimeout - .seconds(1))
        try await connection.send("GET /livez HTTP/1.1\r\n")
        await connection.channel.testingEventLoop.advanceTime(by: justUnder)
        try await connection.send("Host: agent\r\n\r\n")
        #expect(try await connection.response().body == "ok\n")
        await connection.channel.testingEventLoop.advanceTime(by: .seconds(2))
        #expect(connection.channel.isActive, "the answered request's deadline was not cancelled")
        try await connection.hangUp()
    }

    /// Two requests in one write: the second, already whole when the first is answered, is
    /// answered too and starts no deadline that outlives it.
    @Test func aPipelinedRequestIsAnsweredAndLeavesNoDeadlineBehind() async throws {
        let connection = try await TestConnection(routes: routes)
        let request = "GET /livez HTTP/1.1\r\nHost: agent\r\n\r\n"
        try await connection.send(request + request)
        #expect(try await connection.response().body == "ok\n")
        #expect(try await connection.response().body == "ok\n")
        await connection.channel.testingEventLoop.advanceTime(by: HTTPServer.requestTimeout + .seconds(1))
        #expect(connection.channel.isActive)
        try await connection.hangUp()
    }
}

@Suite("HTTPServer: basic auth from the web configuration", .timeLimit(.minutes(1)))
struct HTTPBasicAuthTests {
    let clock = TestClock()

    /// A web configuration with the user `prometheus`, password `s3cret`.
    func security() throws -> WebSecurity {
        let path = NSTemporaryDirectory() + "hosthealth-web-\(UUID().uuidString).yml"
        try "basic_auth_users:\n  prometheus: \(BasicAuthenticatorTests.hash)\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try WebSecurity(path: path, threads: NIOThreadPool.singleton)
    }

    func connection() async throws -> TestConnection {
        try await TestConnection(routes: Routes(engine: makeEngine(AgentConfig(), clock: clock)), security: try security())
    }

    @Test func withoutCredentialsTheAnswerIs401WithABasicChallenge() async throws {
        let connection = try await connection()
        try await connection.send("GET /livez HTTP/1.1\r\nHost: agent\r\n\r\n")
        let response = try await connection.response()
        #expect(response.statusLine == "HTTP/1.1 401 Unauthorized")
        #expect(response.header("WWW-Authenticate") == "Basic realm=\"hosthealth\"")
        #expect(response.body == "unauthorized\n")
        try await connection.hangUp()
    }

    @Test func theRightPasswordIsServedAndAWrongOneRefusedOnTheSameConnection() async throws {
        let connection = try await connection()
        // prometheus:s3cret
        try await connection.send("GET /livez HTTP/1.1\r\nHost: agent\r\nAuthorization: Basic cHJvbWV0aGV1czpzM2NyZXQ=\r\n\r\n")
        let served = try await connection.response()
        #expect(served.statusLine == "HTTP/1.1 200 OK")
        #expect(served.body == "ok\n")
        // prometheus:wrong
        try await connection.send("GET /livez HTTP/1.1\r\nHost: agent\r\nAuthorization: Basic cHJvbWV0aGV1czp3cm9uZw==\r\n\r\n")
        #expect(try await connection.response().statusLine == "HTTP/1.1 401 Unauthorized")
        try await connection.hangUp()
    }

    @Test func aHeadRequestWithoutCredentialsIsRefusedWithoutABody() async throws {
        let connection = try await connection()
        try await connection.send("HEAD /livez HTTP/1.1\r\nHost: agent\r\n\r\n")
        let response = try await connection.response(toHEAD: true)
        #expect(response.statusLine == "HTTP/1.1 401 Unauthorized")
        #expect(response.header("Content-Length") == "13")
        try await connection.send("GET /livez HTTP/1.1\r\nHost: agent\r\n\r\n")
        #expect(try await connection.response().statusLine == "HTTP/1.1 401 Unauthorized")
        try await connection.hangUp()
    }
}
