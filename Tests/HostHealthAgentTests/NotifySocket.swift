import Glibc
@testable import HostHealthAgent
import NIOPosix

/// Stands in for systemd's `$NOTIFY_SOCKET`: a datagram socket in the abstract namespace that
/// receives what the agent tells systemd, one message per datagram.
final class NotifySocket: Sendable {
    /// As `$NOTIFY_SOCKET` spells it: `@` for the abstract namespace.
    let name = "@hosthealth-test-notify-\(getpid())-\(UInt64.random(in: 0 ... .max))"
    private let descriptor: Int32

    init() throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(operation: "socket", errno: errno) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array(name.utf8.dropFirst())
        withUnsafeMutableBytes(of: &address.sun_path) { sunPath in
            sunPath[0] = 0
            UnsafeMutableRawBufferPointer(rebasing: sunPath[1...]).copyBytes(from: path)
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + 1 + path.count)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw Failure(operation: "bind", errno: errno) }
        // A message the agent owes comes within milliseconds, but in the whole suite other tests
        // can hold both of the test process's pool threads for seconds (a one-line policy test
        // was seen to take 16 s there, and this wait ran out at 5 s): after 30 s the test
        // fails, not hangs.
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(descriptor)
    }

    /// A notifier that talks to this socket, asking for watchdog pings every `watchdogMicroseconds / 2`.
    func notifier(watchdogMicroseconds: Int? = nil) -> SystemdNotifier {
        let environment = ["NOTIFY_SOCKET": name, "WATCHDOG_USEC": watchdogMicroseconds.map(String.init)]
        return SystemdNotifier(environment: { environment[$0] ?? nil })
    }

    /// The next message, received on a pool thread; nil when none came within 30 s.
    func next() async -> String? {
        try? await NIOThreadPool.singleton.runIfActive { [descriptor] () -> String? in
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(descriptor, &buffer, buffer.count, 0)
            return count < 0 ? nil : String(decoding: buffer[..<count], as: UTF8.self)
        }
    }

    /// Reads messages until `message`; false when it did not come.
    func skip(until message: String) async -> Bool {
        while let next = await next() {
            if next == message { return true }
        }
        return false
    }

    struct Failure: Error {
        var operation: String
        var errno: Int32
    }
}
