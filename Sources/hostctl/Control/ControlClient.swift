internal import Glibc
internal import HostHealthModel
internal import HostSystem

/// `hostctl`'s side of the control socket: one HTTP/1.1 request over the agent's Unix socket,
/// the whole answer back. Plain blocking system calls with a deadline: a command-line client
/// that sends one request needs no event loop, and leaving SwiftNIO out keeps hostctl small.
struct ControlClient: Sendable {
    var socketPath: String

    /// How long the agent has to answer: a hung agent must not hang `hostctl` (or the
    /// monitoring check that runs it).
    var timeoutSeconds = 5.0

    init(socketPath: String) {
        self.socketPath = socketPath
    }

    /// Returns the status code and body of `GET path`.
    func get(_ path: String) throws(HostHealthError) -> (status: Int, body: [UInt8]) {
        try send("GET", path)
    }

    /// `POST path` with form fields (`application/x-www-form-urlencoded`).
    func post(_ path: String, form: [(String, String)]) throws(HostHealthError) -> (status: Int, body: [UInt8]) {
        let body = form.map { Self.formEncoded($0.0) + "=" + Self.formEncoded($0.1) }.joined(separator: "&")
        return try send("POST", path, body: Array(body.utf8))
    }

    /// Percent-encodes all but unreserved characters.
    static func formEncoded(_ text: String) -> String {
        text.utf8.map { byte -> String in
            let safe = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
            return safe ? String(UnicodeScalar(byte)) : "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
        }.joined()
    }

    private func send(_ method: String, _ path: String, body: [UInt8] = []) throws(HostHealthError) -> (status: Int, body: [UInt8]) {
        var request = "\(method) \(path) HTTP/1.1\r\nHost: hosthealth\r\nConnection: close\r\n"
        if method != "GET" {
            request += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.count)\r\n"
        }
        let raw = try exchange(Array((request + "\r\n").utf8) + body)
        return try Self.parse(raw)
    }

    /// Connects, writes the request, reads until the agent closes; all within the deadline.
    private func exchange(_ request: [UInt8]) throws(HostHealthError) -> [UInt8] {
        let deadline = SystemClock.monotonic.seconds() + timeoutSeconds
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw HostHealthError(.agentUnreachable, "cannot create a socket: \(Errno.current.description)") }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw HostHealthError(.agentUnreachable, "socket path too long: \(socketPath)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if connected != 0 {
            let code = errno
            // A full listen backlog: wait for the agent to accept, within the deadline.
            guard code == EAGAIN || code == EINPROGRESS else { throw HostHealthError(.agentUnreachable, Self.explain(code)) }
            try wait(fd, for: Int16(POLLOUT), until: deadline)
        }
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                sent += n
            } else if n < 0, errno == EAGAIN || errno == EINTR {
                try wait(fd, for: Int16(POLLOUT), until: deadline)
            } else {
                throw HostHealthError(.agentUnreachable, Self.explain(errno))
            }
        }
        var answer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                answer += chunk[..<n]
            } else if n == 0 {
                return answer
            } else if errno == EAGAIN || errno == EINTR {
                try wait(fd, for: Int16(POLLIN), until: deadline)
            } else {
                throw HostHealthError(.agentUnreachable, Self.explain(errno))
            }
        }
    }

    private func wait(_ fd: Int32, for events: Int16, until deadline: Double) throws(HostHealthError) {
        while true {
            let left = deadline - SystemClock.monotonic.seconds()
            guard left > 0 else {
                throw HostHealthError(.agentUnreachable, "the agent did not answer within \(TextFormat.duration(timeoutSeconds)); it may be hung")
            }
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&entry, 1, Int32(min(left * 1000, 60_000).rounded(.up)))
            if ready > 0 { return }
            if ready < 0, errno != EINTR { throw HostHealthError(.agentUnreachable, Self.explain(errno)) }
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

    /// What a failed connect or transfer means for the operator.
    static func explain(_ code: Int32) -> String {
        switch code {
        case ENOENT: "no socket there; is hosthealthd running?"
        case ECONNREFUSED: "connection refused; hosthealthd is not running (stale socket)"
        case EACCES, EPERM: "permission denied; run as root or as a member of the hosthealth group"
        default: Errno(rawValue: code).description
        }
    }
}
