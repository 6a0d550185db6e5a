internal import HostHealthExposition
internal import Logging
internal import NIOCore
internal import NIOPosix
internal import ServiceLifecycle
internal import HostHealthPolicy

/// HAProxy agent-check: on each connection, write the host's line and close.
final class AgentCheckServer: Service {
    private let channel: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
    private let engine: HealthEngine
    private let logger: Logger
    /// HAProxy opens one short connection per check; a client holding many open cannot use up
    /// the agent's file descriptors, and at the limit the oldest that has had its line makes
    /// room for the newcomer.
    private let limiter = ConnectionLimiter(total: 512, perPeer: 32)

    private init(channel: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>, engine: HealthEngine, logger: Logger) {
        self.channel = channel
        self.engine = engine
        self.logger = logger
    }

    /// How long a connection may stay open after the line, waiting for the peer to close.
    static let lingerTimeout = TimeAmount.seconds(2)
    /// The longest a connection lives at all: a peer trickling a byte now and then keeps the
    /// idle timer from firing, but not this one.
    static let maxLifetime = TimeAmount.seconds(5)

    static func bind(host: String, port: Int, engine: HealthEngine, logger: Logger) async throws -> AgentCheckServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // A peer that sends and shuts down its side at once still gets the line.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(host: host, port: port) { child in
                child.eventLoop.makeCompletedFuture {
                    let deadline = child.eventLoop.scheduleTask(in: Self.maxLifetime) { child.close(promise: nil) }
                    child.closeFuture.whenComplete { _ in deadline.cancel() }
                    // A peer that neither reads nor closes is dropped after a moment.
                    try child.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: Self.lingerTimeout))
                    try child.pipeline.syncOperations.addHandler(CloseOnIdle())
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                        wrappingChannelSynchronously: child, configuration: .init(isOutboundHalfClosureEnabled: true))
                }
            }
        return AgentCheckServer(channel: channel, engine: engine, logger: logger)
    }

    func run() async throws {
        try await acceptUntilShutdown(channel) { connection in
            let peer = connection.channel.remoteAddress?.ipAddress.map(ConnectionLimiter.client)
            let channel = connection.channel
            guard let ticket = self.limiter.admit(peer, evict: { channel.close(promise: nil) }) else {
                try? await connection.executeThenClose { _, outbound in outbound.finish() }
                return
            }
            defer { self.limiter.release(ticket) }
            // Protected until the line is out; lingering after it, it is what a full limit
            // evicts first.
            self.limiter.enter(ticket, .answering)
            let line = await self.engine.agentCheckLine()
            do {
                try await connection.executeThenClose { inbound, outbound in
                    try await outbound.write(ByteBuffer(string: line))
                    // Half-close once the line is out, then read and ignore whatever the peer
                    // sends (HAProxy's agent-send) until it closes: closing with unread input
                    // would answer with a reset, which can cost the peer the line.
                    outbound.finish()
                    self.limiter.enter(ticket, .awaitingNextRequest)
                    for try await _ in inbound {}
                }
            } catch {
                self.logger.debug("agent-check connection ended", metadata: ["error": "\(error)"])
            }
        }
    }
}
