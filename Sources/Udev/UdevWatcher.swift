internal import CSystemShims
internal import Glibc
internal import Synchronization
package import HostSystem

/// Enumerates devices and then listens to their uevents, all on the one thread that calls
/// `run`: libudev objects must stay on the thread that made them, so the context is created,
/// used and freed inside `run`. The handler runs on that thread too; readers do their sysfs
/// reads there, off any request path.
package final class UdevWatcher: Sendable {
    package let matches: [UdevMatch]
    private let receiveBufferBytes: Int32
    private let wakeDescriptor: Int32
    private let stopped = Atomic<Bool>(false)

    /// - Parameter receiveBufferBytes: the event socket's buffer; a burst beyond it is an
    ///   `.overflow` and a fresh enumeration.
    package init(matches: [UdevMatch], receiveBufferBytes: Int32 = 4 * 1024 * 1024) {
        self.matches = matches
        self.receiveBufferBytes = receiveBufferBytes
        self.wakeDescriptor = hh_eventfd_create()
    }

    deinit {
        if wakeDescriptor >= 0 { close(wakeDescriptor) }
    }

    /// Blocks until `stop()`. The socket is opened before the enumeration, so no event between
    /// the two is lost. Each handler call returns the seconds, from then, until a `.timeout`
    /// wakeup (nil: none; wait for events only): an md reader polls while a sync runs and
    /// stops when idle, a sensor reader returns its interval.
    package func run(_ handle: (UdevWakeup) -> Double?) throws(HostHealthError) {
        guard wakeDescriptor >= 0 else { throw HostHealthError(.udev, "cannot create an eventfd", cause: Errno.tooManyOpenFiles) }
        let context = try UdevContext()
        let socket = try context.listen(matches, receiveBufferBytes: receiveBufferBytes)
        var deadline = Self.deadline(after: handle(.started(context.enumerate(matches))))
        while !stopped.load(ordering: .acquiring) {
            let status = hh_wait_readable(socket, wakeDescriptor, Self.milliseconds(until: deadline))
            if stopped.load(ordering: .acquiring) || status == 2 { break }
            switch status {
            case 0:
                deadline = Self.deadline(after: handle(.timeout))
            case 1:
                let (devices, overflowed) = context.receive()
                if overflowed {
                    deadline = Self.deadline(after: handle(.overflow(context.enumerate(matches))))
                } else if !devices.isEmpty {
                    deadline = Self.deadline(after: handle(.events(devices)))
                }
            case -EINTR:
                continue
            default:
                let code = Errno(rawValue: -status)
                throw HostHealthError(.udev, "waiting for udev events failed: \(code)", cause: code)
            }
        }
    }

    /// Ends `run` soon, from any thread.
    package func stop() {
        stopped.store(true, ordering: .releasing)
        _ = hh_eventfd_signal(wakeDescriptor)
    }

    private static func deadline(after seconds: Double?) -> Double? {
        seconds.map { SystemClock.monotonic.seconds() + max(0, $0) }
    }

    private static func milliseconds(until deadline: Double?) -> Int32 {
        guard let deadline else { return -1 }
        let left = (deadline - SystemClock.monotonic.seconds()) * 1000
        return Int32(max(0, min(left.rounded(.up), Double(Int32.max))))
    }
}
