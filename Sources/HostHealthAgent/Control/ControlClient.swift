internal import NIOCore
internal import NIOPosix
package import HostSystem

/// `hostctl`'s side of the control socket: one HTTP/1.1 GET, the whole body back.
package struct ControlClient: Sendable {
    package var socketPath: String

    package init(socketPath: String) {
        self.socketPath = socketPath
    }

    /// How long the agent has to answer: a hung agent must not hang `hostctl` (or the
    /// monitoring check that runs it).
    package var timeout: Duration = .seconds(5)

    /// Returns the status code and body of `GET path`.
    package func get(_ path: String) async throws(HostHealthError) -> (status: Int, body: [UInt8]) {
        try await send("GET", path)
    }

    /// `POST path` with form fields (`application/x-www-form-urlencoded`).
    package func post(_ path: String, form: [(String, String)]) async throws(HostHealthError) -> (status: Int, body: [UInt8]) {
        let body = form.map { Self.formEncoded($0.0) + "=" + Self.formEncoded($0.1) }.joined(separator: "&")
        return try await send("POST", path, body: Array(body.utf8))
    }

    /// Percent-encodes all but unreserved characters.
    package static func formEncoded(_ text: String) -> String {
        text.utf8.map { byte -> String in
            let safe = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
            return safe ? String(UnicodeScalar(byte)) : "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
        }.joined()
    }

    private func send(_ method: String, _ path: String, body: [UInt8] = []) async throws(HostHealthError) -> (status: Int, body: [UInt8]) {
        let raw: [UInt8]
        do {
            raw = try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
                group.addTask { try await self.exchange(method, path, body: body) }
                group.addTask {
                    try await Task.sleep(for: self.timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let bytes = first else {
                    throw HostHealthError(.agentUnreachable, "the agent did not answer within \(self.timeout); it may be hung")
                }
                return bytes
            }
        } catch let failure as HostHealthError {
            throw failure
        } catch {
            throw HostHealthError(.agentUnreachable, Self.explain(error))
        }
        return try Self.parse(raw)
    }

    private func exchange(_ method: String, _ path: String, body: [UInt8]) async throws -> [UInt8] {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(2))
            .connect(unixDomainSocketPath: socketPath) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var request = "\(method) \(path) HTTP/1.1\r\nHost: hosthealth\r\nConnection: close\r\n"
            if method != "GET" {
                request += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.count)\r\n"
            }
            var buffer = ByteBuffer(string: request + "\r\n")
            buffer.writeBytes(body)
            try await outbound.write(buffer)
            var bytes: [UInt8] = []
            for try await var chunk in inbound {
                bytes += chunk.readBytes(length: chunk.readableBytes) ?? []
            }
            return bytes
        }
    }

    static func parse(_ raw: [UInt8]) throws(HostHealthError) -> (status: Int, body: [UInt8]) {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = raw.indices.first(where: { raw[$0...].starts(with: separator) }) else {
            throw HostHealthError(.agentUnreachable, "the agent sent an incomplete HTTP response")
        }
        let head = String(decoding: raw[..<end], as: UTF8.self)
        let statusLine = head.split(separator: "\r\n").first ?? ""
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else {
            throw HostHealthError(.agentUnreachable, "the agent sent a malformed status line: \(statusLine)")
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
