internal import CSystemShims
internal import HostSystem

/// The sd_notify protocol, written directly: a datagram to `$NOTIFY_SOCKET`. Without the
/// variable (not started by systemd) every call does nothing; that is not an error.
struct SystemdNotifier: Sendable {
    let socketPath: String?
    /// Half of `$WATCHDOG_USEC`, when systemd asks for pings.
    let watchdogInterval: Duration?

    init(environment: (String) -> String? = ProcessEnvironment.value) {
        let path = environment("NOTIFY_SOCKET").flatMap { $0.isEmpty ? nil : $0 }
        socketPath = path
        if path != nil, let usec = environment("WATCHDOG_USEC").flatMap(UInt64.init), usec > 0 {
            watchdogInterval = .microseconds(Int64(usec / 2))
        } else {
            watchdogInterval = nil
        }
    }

    /// Returns nil on success or when there is no socket, else the errno.
    @discardableResult
    func notify(_ message: String) -> Int32? {
        guard let socketPath else { return nil }
        let result = hh_sd_notify(socketPath, message)
        return result == 0 ? nil : -result
    }
}
