internal import NIOCore
internal import NIOPosix

/// `hostctl`'s side of the control socket: one HTTP/1.1 GET, the whole body back.
public struct ControlClient: Sendable {
    public var socketPath: String

    public init(socketPath: String) {
        self.socketPath = socketPath
    }

    /// Why the agent could not be asked.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// How long the agent has to answer: a hung agent must not hang `hostctl` (or the
    /// monitoring check that runs it).
    public var timeout: Duration = .seconds(5)

    /// Returns the status code and body of `GET path`.
    public func get(_ path: String) async throws(Failure) -> (status: Int, body: [UInt8]) {
        let raw: [UInt8]
        do {
            raw = try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
                group.addTask { try await self.exchange(path) }
                group.addTask {
                    try await Task.sleep(for: self.timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let bytes = first else {
                    throw Failure(description: "the agent did not answer within \(self.timeout); it may be hung")
                }
                return bytes
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: Self.explain(error))
        }
        return try Self.parse(raw)
    }

    private func exchange(_ path: String) async throws -> [UInt8] {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(2))
            .connect(unixDomainSocketPath: socketPath) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: "GET \(path) HTTP/1.1\r\nHost: hosthealth\r\nConnection: close\r\n\r\n"))
            var bytes: [UInt8] = []
            for try await var chunk in inbound {
                bytes += chunk.readBytes(length: chunk.readableBytes) ?? []
            }
            return bytes
        }
    }

    static func parse(_ raw: [UInt8]) throws(Failure) -> (status: Int, body: [UInt8]) {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = raw.indices.first(where: { raw[$0...].starts(with: separator) }) else {
            throw Failure(description: "the agent sent an incomplete HTTP response")
        }
        let head = String(decoding: raw[..<end], as: UTF8.self)
        let statusLine = head.split(separator: "\r\n").first ?? ""
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else {
            throw Failure(description: "the agent sent a malformed status line: \(statusLine)")
        }
        return (status, Array(raw[(end + 4)...]))
    }

    static func explain(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("No such file") || text.contains("ENOENT") || text.contains("errno: 2") {
            return "no socket there; is hosthealthd running?"
        }
        if text.contains("Connection refused") || text.contains("errno: 111") {
            return "connection refused; hosthealthd is not running (stale socket)"
        }
        if text.contains("Permission denied") || text.contains("errno: 13") {
            return "permission denied; run as root or as a member of the hosthealth group"
        }
        return text
    }
}
