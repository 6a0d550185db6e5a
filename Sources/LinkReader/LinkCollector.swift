internal import HostHealthCore
internal import CHostHealthShims
internal import CMnl
internal import Synchronization

/// A batch of link news for the engine.
public struct LinkUpdate: Sendable {
    public enum Scope: Sendable, Equatable {
        /// A complete dump: these are all the links there are.
        case all
        /// Events: apply on top of what is known.
        case changes
        /// Fresh counters for known links; nothing else changed.
        case statistics
    }

    public var scope: Scope
    public var messages: [LinkMessage]
    public var skipped: [String: UInt64]
    /// Kernel event messages in this batch (zero for a dump).
    public var events: Int
    /// Wall time a dump took.
    public var durationSeconds: Double?
    /// Why a dump was made: `start`, `interval`, `overflow`, `scrape`, `direct`.
    public var cause: String?

    public init(
        scope: Scope, messages: [LinkMessage], skipped: [String: UInt64], events: Int,
        durationSeconds: Double? = nil, cause: String? = nil
    ) {
        self.scope = scope
        self.messages = messages
        self.skipped = skipped
        self.events = events
        self.durationSeconds = durationSeconds
        self.cause = cause
    }
}

/// Reads network links over rtnetlink: a dump on demand, and an event loop that subscribes to
/// RTNLGRP_LINK, re-dumps after ENOBUFS (events were lost) and at a fixed interval.
///
/// The event loop blocks its thread; run it on a dedicated one. `dump()` may be called from
/// any thread while it runs.
public final class LinkCollector: Sendable {
    private struct CachedSpeed {
        var operState: OperState
        var carrier: Bool?
        var speedMbps: UInt32?
        var duplex: Duplex?
    }

    /// Network namespace path the sockets are opened in (nil: the agent's own).
    public let netns: String?
    private let sysfs: SysfsLinkProperties?
    private let dumpSocket = Mutex<NetlinkSocket?>(nil)
    private let speeds = Mutex<[String: CachedSpeed]>([:])
    private let wakeDescriptor: Int32
    private let stopped = Atomic<Bool>(false)

    /// - Parameter netns: open the sockets in this namespace. Speed and duplex come from
    ///   sysfs, which shows the agent's own namespace, so they are not read for another one.
    public init(netns: String? = nil) {
        self.netns = netns
        self.sysfs = netns == nil ? SysfsLinkProperties() : nil
        self.wakeDescriptor = hh_eventfd_create()
    }

    deinit {
        if wakeDescriptor >= 0 { close(wakeDescriptor) }
    }

    /// Reads every link once (blocking, a few milliseconds for a thousand links).
    public func dump(cause: String) throws(NetlinkError) -> LinkUpdate {
        let started = MonotonicClock.now()
        var result = try dump(.links)
        enrich(&result.messages)
        return LinkUpdate(
            scope: .all, messages: result.messages, skipped: result.skipped, events: 0,
            durationSeconds: MonotonicClock.now() - started, cause: cause)
    }

    /// Reads every link's 64-bit counters (RTM_GETSTATS), for a scrape: the messages are all
    /// `.statistics`.
    public func dumpStatistics() throws(NetlinkError) -> LinkUpdate {
        let started = MonotonicClock.now()
        let result = try dump(.statistics)
        return LinkUpdate(
            scope: .statistics, messages: result.messages, skipped: result.skipped, events: 0,
            durationSeconds: MonotonicClock.now() - started, cause: "scrape")
    }

    private func dump(_ kind: NetlinkSocket.DumpKind) throws(NetlinkError) -> NetlinkParseResult {
        try dumpSocket.withLock { (socket) throws(NetlinkError) -> NetlinkParseResult in
            if socket == nil { socket = try NetlinkSocket(netns: netns, groups: 0) }
            do throws(NetlinkError) {
                return try Self.dump(kind, on: socket!)
            } catch {
                // Start over with a fresh socket: leftovers of a broken dump must not leak
                // into the next one.
                socket = nil
                throw error
            }
        }
    }

    private static func dump(_ kind: NetlinkSocket.DumpKind, on socket: NetlinkSocket) throws(NetlinkError) -> NetlinkParseResult {
        var attempts = 0
        while true {
            attempts += 1
            try socket.requestDump(kind)
            var total = NetlinkParseResult()
            while !total.done {
                guard let part = try socket.receive(wait: true) else { continue }
                total.messages += part.messages
                total.done = part.done
                total.interrupted = total.interrupted || part.interrupted
                for (reason, count) in part.skipped { total.skipped[reason, default: 0] += count }
                if let code = part.error { throw NetlinkError(operation: "dump", errno: -code) }
            }
            // Links changed during the dump: the kernel says the result may be inconsistent.
            if !total.interrupted || attempts >= 3 { return total }
        }
    }

    /// Runs until `stop()`: an initial dump, then events. Calls `deliver` with each batch, on
    /// this thread. Returns when stopped; throws when the event socket cannot be opened.
    public func runEventLoop(resyncIntervalSeconds: Double, deliver: (LinkUpdate) -> Void) throws(NetlinkError) {
        // Subscribe before the first dump so nothing falls between the two.
        let events = try NetlinkSocket(netns: netns, groups: UInt32(RTMGRP_LINK))
        deliver(try dump(cause: "start"))
        var nextResync = MonotonicClock.now() + resyncIntervalSeconds
        while !stopped.load(ordering: .relaxed) {
            // Wake at least hourly, so a very long interval never overflows poll's timeout.
            let milliseconds = min(3_600_000, max(0, ((nextResync - MonotonicClock.now()) * 1000).rounded(.up)))
            let ready = hh_wait_readable(events.fileDescriptor, wakeDescriptor, Int32(milliseconds))
            if ready == 2 || stopped.load(ordering: .relaxed) { return }
            if ready < 0 { throw NetlinkError(operation: "poll", errno: -ready) }
            if ready == 0 && MonotonicClock.now() < nextResync { continue }
            if ready == 0 {
                deliver(deliverableDump(cause: "interval"))
                nextResync = MonotonicClock.now() + resyncIntervalSeconds
                continue
            }
            var batch = LinkUpdate(scope: .changes, messages: [], skipped: [:], events: 0)
            var overflowed = false
            // Drain what is queued, so a flood is judged once rather than per message.
            while batch.messages.count < 4096 {
                do {
                    guard let part = try events.receive(wait: false) else { break }
                    batch.messages += part.messages
                    batch.events += part.messages.count
                    for (reason, count) in part.skipped { batch.skipped[reason, default: 0] += count }
                } catch where error.errno == NetlinkError.ENOBUFS {
                    overflowed = true
                } catch {
                    throw error
                }
            }
            enrich(&batch.messages)
            if !batch.messages.isEmpty || !batch.skipped.isEmpty { deliver(batch) }
            if overflowed {
                deliver(deliverableDump(cause: "overflow"))
                nextResync = MonotonicClock.now() + resyncIntervalSeconds
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

    /// Ends `runEventLoop` from any thread.
    public func stop() {
        stopped.store(true, ordering: .relaxed)
        _ = hh_eventfd_signal(wakeDescriptor)
    }

    /// Adds speed and duplex from sysfs, re-reading only links whose state changed since the
    /// last read: a scrape's dump of a thousand links costs no file reads.
    private func enrich(_ messages: inout [LinkMessage]) {
        guard let sysfs else { return }
        speeds.withLock { cache in
            for index in messages.indices {
                guard case .link(var link) = messages[index] else {
                    if case .removed(_, let name) = messages[index] { cache[name] = nil }
                    continue
                }
                if let cached = cache[link.name], cached.operState == link.operState, cached.carrier == link.carrier {
                    link.speedMbps = cached.speedMbps
                    link.duplex = cached.duplex
                } else {
                    (link.speedMbps, link.duplex) = sysfs.read(link.name)
                    cache[link.name] = CachedSpeed(
                        operState: link.operState, carrier: link.carrier, speedMbps: link.speedMbps, duplex: link.duplex)
                }
                messages[index] = .link(link)
            }
        }
    }
}
