package import HostHealthModel
internal import CSystemShims
internal import CMnl
internal import Synchronization
package import HostSystem

/// Reads network links over rtnetlink: a dump on demand, and an event loop that subscribes to
/// RTNLGRP_LINK, re-dumps after ENOBUFS (events were lost) and at a fixed interval.
///
/// The event loop blocks its thread; run it on a dedicated one. `dump()` may be called from
/// any thread while it runs.
package final class LinkCollector: Sendable {
    /// Network namespace path the sockets are opened in (nil: the agent's own).
    package let netns: String?
    private let sysfs: SysfsLinkProperties?
    /// Opens a socket subscribed to these RTMGRP_* groups (0: a dump socket): the kernel's,
    /// or in the tests one that replays recorded replies.
    private let openSocket: @Sendable (_ groups: UInt32) throws(HostHealthError) -> any NetlinkTransport
    private let dumpSocket = Mutex<DumpSocket?>(nil)
    /// Seconds between full re-reads; a configuration reload may change it while running.
    private let resyncInterval = Mutex<Double>(60)
    private let wakeDescriptor: Int32
    private let stopped = Atomic<Bool>(false)

    /// - Parameter netns: open the sockets in this namespace. Speed and duplex come from
    ///   sysfs, which shows the agent's own namespace, so they are not read for another one.
    /// - Parameter eventBufferBytes: the event socket's receive buffer; small values only to
    ///   test the recovery from lost events.
    package convenience init(netns: String? = nil, resyncIntervalSeconds: Double = 60, eventBufferBytes: Int32 = 4 * 1024 * 1024) {
        self.init(
            netns: netns, sysfs: netns == nil ? SysfsLinkProperties() : nil, resyncIntervalSeconds: resyncIntervalSeconds
        ) { groups throws(HostHealthError) in
            try NetlinkSocket(netns: netns, groups: groups, eventBufferBytes: eventBufferBytes)
        }
    }

    /// Reads through the sockets `open` returns: in the tests, ones that replay recorded replies.
    init(
        netns: String? = nil, sysfs: SysfsLinkProperties? = nil, resyncIntervalSeconds: Double = 60,
        open: @escaping @Sendable (_ groups: UInt32) throws(HostHealthError) -> any NetlinkTransport
    ) {
        self.netns = netns
        self.openSocket = open
        self.resyncInterval.withLock { $0 = max(0.05, resyncIntervalSeconds) }
        self.sysfs = sysfs
        self.wakeDescriptor = hh_eventfd_create()
    }

    deinit {
        if wakeDescriptor >= 0 { close(wakeDescriptor) }
    }

    /// Reads every link once (blocking, a few milliseconds for a thousand links).
    package func dump(cause: String) throws(HostHealthError) -> LinkUpdate {
        let started = SystemClock.monotonic.seconds()
        var result = try dump(.links)
        enrich(&result.messages)
        return LinkUpdate(
            scope: .all, messages: result.messages, skipped: result.skipped, events: 0,
            durationSeconds: SystemClock.monotonic.seconds() - started, cause: cause)
    }

    /// Reads every link's 64-bit counters (RTM_GETSTATS), for a scrape: the messages are all
    /// `.statistics`.
    package func dumpStatistics() throws(HostHealthError) -> LinkUpdate {
        let started = SystemClock.monotonic.seconds()
        let result = try dump(.statistics)
        return LinkUpdate(
            scope: .statistics, messages: result.messages, skipped: result.skipped, events: 0,
            durationSeconds: SystemClock.monotonic.seconds() - started, cause: "scrape")
    }

    /// The socket dumps are asked on, and the sequence number of its last request.
    private struct DumpSocket {
        var transport: any NetlinkTransport
        var sequence: UInt32 = 1
    }

    private func dump(_ request: DumpRequest) throws(HostHealthError) -> NetlinkParseResult {
        try dumpSocket.withLock { (socket) throws(HostHealthError) -> NetlinkParseResult in
            if socket == nil { socket = DumpSocket(transport: try openSocket(0)) }
            do throws(HostHealthError) {
                return try Self.dump(request, on: &socket!)
            } catch {
                // Start over with a fresh socket: leftovers of a broken dump must not leak
                // into the next one.
                socket = nil
                throw error
            }
        }
    }

    private static func dump(_ request: DumpRequest, on socket: inout DumpSocket) throws(HostHealthError) -> NetlinkParseResult {
        var attempts = 0
        while true {
            attempts += 1
            socket.sequence &+= 1
            try socket.transport.send(request.bytes(sequence: socket.sequence))
            var total = NetlinkParseResult()
            while !total.done {
                guard let part = try socket.transport.receiveMessages(wait: true) else { continue }
                total.messages += part.messages
                total.done = part.done
                total.interrupted = total.interrupted || part.interrupted
                for (reason, count) in part.skipped { total.skipped[reason, default: 0] += count }
                if let code = part.error { throw HostHealthError.netlink("dump", Errno(rawValue: -code)) }
            }
            // Links changed during the dump: the kernel says the result may be inconsistent.
            if !total.interrupted || attempts >= 3 { return total }
        }
    }

    /// Runs until `stop()`: an initial dump, then events. Calls `deliver` with each batch, on
    /// this thread. Returns when stopped; throws when the event socket cannot be opened.
    package func runEventLoop(resyncIntervalSeconds: Double, deliver: (LinkUpdate) -> Void) throws(HostHealthError) {
        setResyncInterval(resyncIntervalSeconds)
        try runEventLoop(deliver: deliver)
    }

    /// Runs the event loop with the interval given at `init` or by `setResyncInterval`.
    package func runEventLoop(deliver: (LinkUpdate) -> Void) throws(HostHealthError) {
        // Without its wake-up descriptor the loop could not be stopped (24: EMFILE).
        guard wakeDescriptor >= 0 else { throw HostHealthError.netlink("eventfd", Errno(rawValue: 24)) }
        // Subscribe before the first dump so nothing falls between the two.
        let events = try openSocket(UInt32(RTMGRP_LINK))
        deliver(try dump(cause: "start"))
        var resyncIntervalSeconds = resyncInterval.withLock { $0 }
        var nextResync = SystemClock.monotonic.seconds() + resyncIntervalSeconds
        while !stopped.load(ordering: .relaxed) {
            let interval = resyncInterval.withLock { $0 }
            if interval != resyncIntervalSeconds {
                nextResync += interval - resyncIntervalSeconds
                resyncIntervalSeconds = interval
            }
            // Wake at least hourly, so a very long interval never overflows poll's timeout.
            let milliseconds = min(3_600_000, max(0, ((nextResync - SystemClock.monotonic.seconds()) * 1000).rounded(.up)))
            let ready = hh_wait_readable(events.fileDescriptor, wakeDescriptor, Int32(milliseconds))
            if stopped.load(ordering: .relaxed) { return }
            if ready == 2 {
                // Woken for a new interval: loop round to take it.
                hh_eventfd_drain(wakeDescriptor)
                continue
            }
            if ready < 0 { throw HostHealthError.netlink("poll", Errno(rawValue: -ready)) }
            if ready == 0 && SystemClock.monotonic.seconds() < nextResync { continue }
            if ready == 0 {
                deliver(deliverableDump(cause: "interval"))
                nextResync = SystemClock.monotonic.seconds() + resyncIntervalSeconds
                continue
            }
            var batch = LinkUpdate(scope: .changes, messages: [], skipped: [:], events: 0)
            var overflowed = false
            // Drain what is queued, so a flood is judged once rather than per message.
            while batch.messages.count < 4096 {
                do {
                    guard let part = try events.receiveMessages(wait: false) else { break }
                    batch.messages += part.messages
                    batch.events += part.messages.count
                    for (reason, count) in part.skipped { batch.skipped[reason, default: 0] += count }
                } catch where error.errno == .noBufferSpace {
                    overflowed = true
                } catch {
                    throw error
                }
            }
            enrich(&batch.messages)
            if !batch.messages.isEmpty || !batch.skipped.isEmpty { deliver(batch) }
            if overflowed {
                deliver(deliverableDump(cause: "overflow"))
                nextResync = SystemClock.monotonic.seconds() + resyncIntervalSeconds
            }
        }
    }

    /// A dump for the event loop, which must keep running when one fails: the failure is
    /// delivered as an empty changes batch with the error counted.
    private func deliverableDump(cause: String) -> LinkUpdate {
        do {
            return try dump(cause: cause)
        } catch {
            return LinkUpdate(scope: .changes, messages: [], skipped: ["dump_failed": 1], events: 0, cause: cause)
        }
    }

    /// Changes the time between full re-reads of a running event loop (a configuration reload).
    package func setResyncInterval(_ seconds: Double) {
        resyncInterval.withLock { $0 = max(0.05, seconds) }
        _ = hh_eventfd_signal(wakeDescriptor)
    }

    /// Ends `runEventLoop` from any thread.
    package func stop() {
        stopped.store(true, ordering: .relaxed)
        _ = hh_eventfd_signal(wakeDescriptor)
    }

    /// Adds speed and duplex from sysfs. Read afresh for every link message (events and full
    /// re-reads, never a scrape's counter dump): a bond that loses a member keeps carrier and
    /// operstate but not its speed, and a speed read the moment carrier came up may be missing.
    private func enrich(_ messages: inout [LinkMessage]) {
        guard let sysfs else { return }
        for index in messages.indices {
            guard case .link(var link) = messages[index] else { continue }
            (link.speedMbps, link.duplex) = sysfs.read(link.name)
            messages[index] = .link(link)
        }
    }
}
