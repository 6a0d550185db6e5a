internal import Logging
internal import NIOCore
internal import NIOHTTP1
internal import NIOPosix
internal import NIOSSL
internal import ServiceLifecycle

/// Serves `Routes` over HTTP/1.1 on a socket bound before the service group starts, so a bad
/// address fails the start with a clear error instead of a half-running agent.
final class HTTPServer: Service {
    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    let name: String
    private let channel: NIOAsyncChannel<Connection, Never>
    private let routes: Routes
    /// TLS and basic auth from `--web.config.file`, for TCP listeners.
    private let security: WebSecurity?
    private let logger: Logger
    private let limiter = ConnectionLimiter(
        total: HTTPServer.maxConnections, perPeer: HTTPServer.maxConnectionsPerPeer, reserved: HTTPServer.reservedForRoot)

    private init(name: String, channel: NIOAsyncChannel<Connection, Never>, routes: Routes, security: WebSecurity?, logger: Logger) {
        self.name = name
        self.channel = channel
        self.routes = routes
        self.security = security
        self.logger = logger
    }

    static func bind(_ address: ListenAddress, routes: Routes, security: WebSecurity? = nil, logger: Logger) async throws -> HTTPServer {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            // TCP level: at the socket level this option number is SO_DEBUG, which needs
            // CAP_NET_ADMIN and failed every connection of an agent not run as root.
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            // A client that sends its request and at once shuts down its side (`nc -N`, many
            // check scripts) still gets the answer: without this, NIO took the FIN for a close.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
        let channel: NIOAsyncChannel<Connection, Never>
        switch address {
        case .tcp(let host, let port):
            channel = try await bootstrap.bind(host: host, port: port) { child in
                child.eventLoop.makeCompletedFuture { try Self.configure(child, tls: security?.settings.tls) }
            }
        case .unix(let path):
            channel = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true) { child in
                child.eventLoop.makeCompletedFuture { try Self.configure(child, tls: nil) }
            }
        }
        return HTTPServer(name: address.description, channel: channel, routes: routes, security: security, logger: logger)
    }

    /// Clients that send nothing for this long are disconnected: an open port must not let
    /// idle connections use up the agent's file descriptors. Keep-alive scrapers reconnect.
    static let idleTimeout = TimeAmount.seconds(30)
    /// A request, head and body, must be whole this long after its first byte (the TLS
    /// handshake included): ours are a line and a few headers, or a form of a few hundred
    /// bytes, which a client on any working network sends in milliseconds. Apache's
    /// mod_reqtimeout allows 20 s for a head, Go's servers usually 5–10 s.
    static let requestTimeout = TimeAmount.seconds(10)
    /// Connections beyond these are closed at once: in all, and from one client address.
    /// A full limit evicts the connection that waited longest without a complete request
    /// (`ConnectionLimiter`), so only one that every slot is busy answering is refused.
    static let maxConnections = 512
    static let maxConnectionsPerPeer = 32
    /// Of `maxConnections`, those only root may take on the control socket.
    static let reservedForRoot = 16
    /// Only the control socket's small forms have bodies.
    static let maxBodyBytes = 4096
    /// After a 413, what is read and dropped before the connection closes.
    static let discardBytes = 64 * 1024

    /// Sets up one connection's pipeline: the request deadline, TLS when configured, the idle
    /// timeout, HTTP/1 framing.
    /// The listener and the tests (on a channel without a socket) both build connections here.
    static func configure(_ child: any Channel, tls: NIOSSLContext?) throws -> Connection {
        let deadline = RequestDeadline(limit: requestTimeout)
        try child.pipeline.syncOperations.addHandler(deadline.bytes)
        if let tls {
            try child.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
        }
        try child.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idleTimeout))
        try child.pipeline.syncOperations.addHandler(CloseOnIdle())
        try child.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
        try child.pipeline.syncOperations.addHandler(deadline.exchange)
        // Half-closing the output after the last response waits for every byte to leave: a
        // plain close drops what the kernel has not taken yet, truncating large bodies (a
        // 700 kB /events to a slow reader).
        return try Connection(wrappingChannelSynchronously: child, configuration: .init(isOutboundHalfClosureEnabled: true))
    }

    func run() async throws {
        try await acceptUntilShutdown(channel) { connection in
            // On the control socket a client is a uid, as the kernel says (a group member
            // holding 512 connections locked root out); on TCP an address.
            let credentials = self.routes.control == nil ? nil : await PeerCredentials.of(connection.channel)
            let peer = credentials.map { "uid \($0.uid)" } ?? connection.channel.remoteAddress?.ipAddress.map(ConnectionLimiter.client)
            let privileged = credentials?.uid == 0
            let channel = connection.channel
            guard let ticket = self.limiter.admit(peer, privileged: privileged, evict: { channel.close(promise: nil) }) else {
                // Refused: close through the async wrapper, which must be finished.
                try? await connection.executeThenClose { _, outbound in outbound.finish() }
                return
            }
            await Self.serve(
                connection, routes: self.routes, security: self.security, logger: self.logger, listener: self.name,
                credentials: credentials, phase: { self.limiter.enter(ticket, $0) })
            self.limiter.release(ticket)
        }
    }

    /// Answers one connection's requests in order until it closes: keep-alive as HTTP/1 says,
    /// HEAD without a body, basic auth when configured. A body past `maxBodyBytes` is answered
    /// 413 as soon as it is known to be (at the head when Content-Length says so), and the
    /// connection closes after reading at most `discardBytes` more: a 100 MB upload is never
    /// read to its end.
    static func serve(
        _ connection: Connection, routes: Routes, security: WebSecurity?, logger: Logger, listener name: String,
        credentials: PeerCredentials? = nil, phase: @Sendable (ConnectionLimiter.Phase) -> Void = { _ in }
    ) async {
        do {
            // Only the control socket accepts changes, judged on who the kernel says connected.
            var peer = credentials
            if peer == nil, routes.control != nil { peer = await PeerCredentials.of(connection.channel) }
            try await connection.executeThenClose { inbound, outbound in
                var request: HTTPRequestHead?
                var body: [UInt8] = []
                var closing = false
                /// What may still be read and dropped once the answer is out and the
                /// connection is closing (nil: until the client closes, as keep-alive ends).
                var discardLeft: Int?
                func answer(_ head: HTTPRequestHead, _ response: HTTPResponse, close: Bool) async throws {
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Type", value: response.contentType)
                    headers.add(name: "Content-Length", value: String(response.contentLength))
                    for (name, value) in response.headers { headers.add(name: name, value: value) }
                    if close {
                        headers.add(name: "Connection", value: "close")
                    } else if head.version.major == 1 && head.version.minor == 0 {
                        headers.add(name: "Connection", value: "keep-alive")
                    }
                    try await outbound.write(.head(HTTPResponseHead(version: head.version, status: response.status, headers: headers)))
                    if head.method != .HEAD {
                        for part in response.parts {
                            try await outbound.write(.body(.byteBuffer(part)))
                        }
                    }
                    try await outbound.write(.end(nil))
                    if close {
                        // Shut down the output once all is written, then wait for the client
                        // to close (or the idle timeout): nothing more is answered.
                        outbound.finish()
                        closing = true
                    }
                }
                let tooLarge = HTTPResponse(status: .payloadTooLarge, text: "request bodies are limited to \(Self.maxBodyBytes) bytes\n")
                for try await part in inbound {
                    if closing {
                        // Read on a little so that closing does not reset the answer away,
                        // but not a large body to its end.
                        guard var left = discardLeft else { continue }
                        if case .body(let chunk) = part { left -= chunk.readableBytes }
                        if left < 0 { break }
                        discardLeft = left
                        continue
                    }
                    switch part {
                    case .head(let head):
                        request = head
                        body = []
                        if let length = head.headers.first(name: "content-length").flatMap({ Int($0) }), length > Self.maxBodyBytes {
                            discardLeft = Self.discardBytes
                            try await answer(head, tooLarge, close: true)
                        }
                    case .body(var chunk):
                        guard let head = request else { continue }
                        if body.count + chunk.readableBytes > Self.maxBodyBytes {
                            discardLeft = Self.discardBytes
                            try await answer(head, tooLarge, close: true)
                        } else {
                            body += chunk.readBytes(length: chunk.readableBytes) ?? []
                        }
                    case .end:
                        guard let head = request else { continue }
                        phase(.answering)
                        let response: HTTPResponse
                        if let authenticator = security?.settings.authenticator,
                           await !authenticator.authorizes(head.headers.first(name: "authorization")) {
                            response = HTTPResponse(
                                status: .unauthorized, contentType: "text/plain; charset=utf-8",
                                parts: [ByteBuffer(string: "unauthorized\n")],
                                headers: [("WWW-Authenticate", "Basic realm=\"hosthealth\"")])
                        } else {
                            response = await routes.respond(to: head, body: body, peer: peer)
                        }
                        request = nil
                        try await answer(head, response, close: !head.isKeepAlive)
                        phase(.awaitingNextRequest)
                    }
                }
            }
        } catch {
            logger.debug("HTTP connection ended", metadata: ["listener": "\(name)", "error": "\(error)"])
        }
    }
}
