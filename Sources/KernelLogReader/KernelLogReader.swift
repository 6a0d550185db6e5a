package import HostHealthModel
internal import CSystemShims
internal import Glibc
internal import Synchronization
package import HostSystem

/// Reads `/dev/kmsg` from its end at start (old boot messages are not news) on the thread that
/// calls `run`, without ever blocking on it: the descriptor is non-blocking and waited on with
/// poll, next to an eventfd that `stop()` signals. Records overwritten before they were read
/// (EPIPE) are counted and skipped.
///
/// The one reader of the kernel log for every domain: each record goes through the domains'
/// parsers (`KernelLogParsers.all`, one file each under `Parsers/`), and what they recognise
/// is sent in the batch as events that fold into their own domain.
package final class KernelLogReader: Sendable {
    package let path: String
    private let wake: Int32
    private let stopped = Atomic<Bool>(false)
    private let parsers: @Sendable () -> [any KernelLogParser]

    /// - Parameter parsers: the parsers each `run` starts with (fresh state per run).
    package init(path: String = "/dev/kmsg", parsers: @escaping @Sendable () -> [any KernelLogParser] = KernelLogParsers.all) {
        self.path = path
        self.parsers = parsers
        wake = hh_eventfd_create()
    }

    deinit {
        if wake >= 0 { close(wake) }
    }

    /// Blocks until `stop()`, sending a batch whenever records arrived.
    package func run(_ send: (KernelLogUpdate) -> Void) throws(HostHealthError) {
        // Without its wake-up descriptor the loop could not be stopped.
        guard wake >= 0 else { throw HostHealthError(.kernelLog, "cannot create an eventfd to stop the kernel-log reader") }
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = Errno.current
            throw HostHealthError(.kernelLog, "cannot open \(path): \(code); the agent needs CAP_SYSLOG or root, or kernel.dmesg_restrict=0", cause: code)
        }
        defer { close(fd) }
        lseek(fd, 0, SEEK_END)
        send(KernelLogUpdate())  // open and at the end: the reader is alive
        // One record is at most about 8 kB (CONSOLE_EXT_LOG_MAX); a smaller buffer gets EINVAL.
        var buffer = [UInt8](repeating: 0, count: 16384)
        var router = KernelLogRouter(parsers: parsers())
        while !stopped.load(ordering: .acquiring) {
            var update = KernelLogUpdate()
            reading: while true {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    update.records += 1
                    if let event = router.route(bytes: buffer[..<count]) { update.events.append(event) }
                    continue
                }
                switch count < 0 ? errno : 0 {
                case EPIPE: update.overwritten += 1
                case EINTR: continue
                case EAGAIN: break reading
                default:
                    let code = Errno.current
                    throw HostHealthError(.kernelLog, "reading \(path) failed: \(code)", cause: code)
                }
            }
            if update.records > 0 || update.overwritten > 0 { send(update) }
            let status = hh_wait_readable(fd, wake, -1)
            if status == 2 { break }
            if status < 0, status != -EINTR {
                let code = Errno(rawValue: -status)
                throw HostHealthError(.kernelLog, "waiting on \(path) failed: \(code)", cause: code)
            }
        }
    }

    package func stop() {
        stopped.store(true, ordering: .releasing)
        _ = hh_eventfd_signal(wake)
    }
}
