package import HostHealthModel

/// The earliest instant after an evaluation at which time alone could change a verdict: a
/// hysteresis hold running out, a sample leaving a window, a deadline passing, a reader's data
/// turning stale. Each judge adds its own; the engine judges again when it passes, and not
/// before, so an idle host costs nothing between changes.
package struct NextChange: Sendable, Equatable {
    /// The evaluation's time: deadlines at or before it have already been judged.
    package let now: Timestamp
    package private(set) var earliest: Timestamp?

    package init(now: Timestamp) {
        self.now = now
    }

    /// A verdict may change at `instant` (ignored when it is not in the future).
    package mutating func at(_ instant: Timestamp?) {
        guard let instant, instant > now else { return }
        earliest = earliest.map { min($0, instant) } ?? instant
    }

    /// A verdict may change just after `instant`: for rules that fire once an age is strictly
    /// greater than a limit (staleness).
    package mutating func after(_ instant: Timestamp?) {
        at(instant.map { Timestamp(secondsSinceEpoch: $0.secondsSinceEpoch.nextUp) })
    }

    /// The reader's data turns stale `limit` seconds after its last success. A reader that
    /// never read changes only when it reads.
    package mutating func staleness(of reader: ReaderStatus?, limit: Double) {
        guard let lastSuccess = reader?.lastSuccess else { return }
        after(lastSuccess + limit)
    }

    /// A sample history (carrier changes, kernel errors) changes its count when its oldest
    /// sample but one leaves the window.
    package mutating func window(of history: CarrierHistory, seconds: Double) {
        guard history.samples.count > 1 else { return }
        at(history.samples[1].at + seconds)
    }

    /// An error window's count falls when its oldest bucket leaves the window.
    package mutating func window(of errors: EventWindow, seconds: Double) {
        at(errors.nextDecrease(window: seconds))
    }

    package mutating func merge(_ other: NextChange) {
        at(other.earliest)
    }
}
