internal import HostHealthCore
internal import Logging
internal import NIOCore
internal import NIOPosix
internal import ServiceLifecycle

/// HAProxy agent-check: on each connection, write the host's line and close.
final class AgentCheckServer: Service {
    private let channel: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
    private let engine: HealthEngine
    private let logger: Logger

    private init(channel: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>, engine: HealthEngine, logger: Logger) {
        self.channel = channel
        self.engine = engine
        self.logger = logger
    }

    static func bind(host: String, port: Int, engine: HealthEngine, logger: Logger) async throws -> AgentCheckServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { child in
                child.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child)
                }
            }
        return AgentCheckServer(channel: channel, engine: engine, logger: logger)
    }

    func run() async throws {
        try await acceptUntilShutdown(channel) { connection in
            let line = AgentCheckReply.line(for: await self.engine.report.host)
            do {
                try await connection.executeThenClose { _, outbound in
                    try await outbound.write(ByteBuffer(string: line))
                }
            } catch {
                self.logger.debug("agent-check connection ended", metadata: ["error": "\(error)"])
            }
        }
    }
}
