package import HostHealthModel

/// A count of events (correctable memory errors, corrected machine checks, AER errors) over a
/// sliding window on the monotonic clock: the pure policy type behind every "more than N in a
/// window" rule whose history must survive an agent restart.
///
/// It is fed from two kinds of source, which often see the same errors, and counts each once:
///
/// - a kernel counter that runs since boot (`dimm_ce_count`, `aer_dev_correctable`): its rises
///   are errors. A counter that goes backwards was reset (a driver reloaded): it counts from
///   zero again.
/// - events counted from the kernel log since the agent started: they come at once, before
///   the next poll shows them in the counter. Each is counted when it comes and is held as
///   *unconfirmed* until the counter rises by as much, which then counts nothing new; what the
///   counter never shows within `confirmWithin` (an error only the log names) stays counted,
///   and the counter's next rises count again.
///
/// The window keeps its errors bucketed by the instant they were counted, and `expire` forgets
/// what left it. The engine persists `HealthMemory.windows` in the state directory and restores
/// it at start (`carriedOver`), so a restart never forgives a component.
package struct EventWindow: Sendable, Equatable {
    /// Errors counted at one instant.
    package struct Bucket: Sendable, Equatable {
        package var at: Timestamp
        package var count: UInt64

        package init(at: Timestamp, count: UInt64) {
            self.at = at
            self.count = count
        }
    }

    /// Errors still in the window, oldest first.
    package private(set) var buckets: [Bucket] = []
    /// The since-boot counter when it was last seen; nil before it ever was.
    package private(set) var counter: UInt64?
    /// The since-start event count when it was last seen.
    package private(set) var eventsSeen: UInt64 = 0
    /// Events counted from the log that the counter has not shown yet, and since when.
    package private(set) var unconfirmed: UInt64 = 0
    package private(set) var unconfirmedSince: Timestamp?
    /// Every error ever counted into this window, in it or not.
    package private(set) var total: UInt64 = 0

    package init() {}

    package init(
        buckets: [Bucket], counter: UInt64?, eventsSeen: UInt64 = 0, unconfirmed: UInt64 = 0,
        unconfirmedSince: Timestamp? = nil, total: UInt64? = nil
    ) {
        self.buckets = buckets.sorted { $0.at < $1.at }
        self.counter = counter
        self.eventsSeen = eventsSeen
        self.unconfirmed = unconfirmed
        self.unconfirmedSince = unconfirmed > 0 ? unconfirmedSince : nil
        self.total = total ?? buckets.reduce(0) { $0 &+ $1.count }
    }

    /// The since-boot counter read at `now`. Seen for the first time (no history: the agent's
    /// first start, or its state lost), `firstSightShare` of it is counted (see `recentShare`):
    /// the agent cannot tell when those errors happened.
    package mutating func observe(counter value: UInt64, at now: Timestamp, firstSightShare: Double = 1) {
        guard let last = counter else {
            counter = value
            let share = firstSightShare.isFinite ? min(1, max(0, firstSightShare)) : 1
            let recent = UInt64((Double(value) * share).rounded(.up))
            // What the log already counted is part of the counter's value.
            add(recent > unconfirmed ? recent - unconfirmed : 0, at: now)
            clearUnconfirmed()
            return
        }
        counter = value
        let rise = value >= last ? value - last : value
        guard rise > 0 else { return }
        let confirmed = min(rise, unconfirmed)
        unconfirmed -= confirmed
        if unconfirmed == 0 { unconfirmedSince = nil }
        add(rise - confirmed, at: now)
    }

    /// The events counted from the kernel log since the agent started, at `now`. A count below
    /// the last one (the agent restarted) counts from zero.
    package mutating func observe(eventsSinceStart value: UInt64, at now: Timestamp) {
        let rise = value >= eventsSeen ? value - eventsSeen : value
        eventsSeen = value
        guard rise > 0 else { return }
        add(rise, at: now)
        unconfirmed = unconfirmed.addingReportingOverflow(rise).overflow ? .max : unconfirmed + rise
        if unconfirmedSince == nil { unconfirmedSince = now }
    }

    /// Forgets the errors that left a window of `window` seconds by `now`, and the log's
    /// events the counter did not show within `confirmWithin` (they stay counted).
    package mutating func expire(window: Double, at now: Timestamp, confirmWithin: Double = .infinity) {
        let start = now + -window
        if let first = buckets.first, first.at <= start { buckets.removeAll { $0.at <= start } }
        if let since = unconfirmedSince, now - since > confirmWithin { clearUnconfirmed() }
    }

    /// Errors within the last `window` seconds at `now`.
    package func count(window: Double, at now: Timestamp) -> UInt64 {
        let start = now + -window
        return buckets.reduce(0) { $1.at > start ? $0 &+ $1.count : $0 }
    }

    /// When the count next falls by time alone: when the oldest bucket leaves the window.
    package func nextDecrease(window: Double) -> Timestamp? {
        buckets.first.map { $0.at + window }
    }

    /// When unconfirmed events are forgotten (`expire`'s `confirmWithin`).
    package func unconfirmedExpiry(confirmWithin: Double) -> Timestamp? {
        unconfirmedSince.map { $0 + confirmWithin }
    }

    /// Nothing in the window and nothing pending: a window that may be dropped once its
    /// component is gone.
    package var isIdle: Bool { buckets.isEmpty && unconfirmed == 0 }

    /// The share of a since-boot count first seen after `uptime` seconds that is taken as
    /// within a window of `window` seconds: the errors are taken as spread evenly since boot.
    package static func recentShare(uptime: Double, window: Double) -> Double {
        guard uptime > window, uptime.isFinite, window.isFinite else { return 1 }
        return window / uptime
    }

    private mutating func add(_ count: UInt64, at now: Timestamp) {
        guard count > 0 else { return }
        total = total.addingReportingOverflow(count).overflow ? .max : total + count
        if let last = buckets.last, last.at == now {
            buckets[buckets.count - 1].count &+= count
        } else if let last = buckets.last, last.at > now {
            // A clock that went back (a restored window from a later instant): keep the order.
            buckets[buckets.count - 1].count &+= count
        } else {
            buckets.append(Bucket(at: now, count: count))
        }
        // Bounded: a storm counted at many instants merges its oldest buckets.
        if buckets.count > Self.maxBuckets {
            buckets[1].count &+= buckets[0].count
            buckets.removeFirst()
        }
    }

    private mutating func clearUnconfirmed() {
        unconfirmed = 0
        unconfirmedSince = nil
    }

    /// Buckets kept per window; past this the oldest two merge (into the newer's instant, so
    /// the count stays in the window no shorter than it would have).
    package static let maxBuckets = 512

    /// The window as it should be read after the agent restarted: the log's events count from
    /// zero again (the reader starts at the log's end). After a reboot (another boot id) the
    /// since-boot counter starts from zero too, pending events are dropped, and each bucket's
    /// instant is moved onto this boot's clock through the wall clock (`shift` seconds: the
    /// saved boot's wall-clock offset minus this one's), no later than `now`.
    package func carriedOver(rebooted: Bool, shift: Double, now: Timestamp) -> EventWindow {
        var window = self
        window.eventsSeen = 0
        guard rebooted else { return window }
        window.counter = 0
        window.clearUnconfirmed()
        window.buckets = buckets.map { Bucket(at: min(now, $0.at + shift), count: $0.count) }
        return window
    }
}

/// Every component's windows, by `"<component id>/<series>"` (`memory:DIMM_A1/corrected`).
package typealias EventWindows = [String: EventWindow]
