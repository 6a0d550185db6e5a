package import HostHealthModel
internal import HostHealthConfig

/// Samples of a link's carrier-change counter over the flap window, enough to tell how many
/// changes happened in the last `window` seconds whenever the link is looked at.
package struct CarrierHistory: Sendable, Equatable {
    package private(set) var samples: [(at: Timestamp, changes: UInt32)] = []

    package init() {}

    package static func == (lhs: CarrierHistory, rhs: CarrierHistory) -> Bool {
        lhs.samples.elementsEqual(rhs.samples) { $0.at == $1.at && $0.changes == $1.changes }
    }

    /// Records the counter and forgets samples no longer needed for `window`: the newest one
    /// at or before the window's start is kept as its baseline.
    package mutating func record(_ changes: UInt32, at now: Timestamp, window: Double) {
        if let last = samples.last, last.changes == changes {
            // No change: the baseline stays where it is.
        } else {
            samples.append((now, changes))
        }
        let start = now + -window
        while samples.count > 1, samples[1].at <= start {
            samples.removeFirst()
        }
    }

    /// Carrier changes within the window the history was last recorded with. A counter that
    /// went backwards (driver reset, link re-created) counts from zero.
    package var changesInWindow: UInt32 {
        var total: UInt32 = 0
        for (previous, next) in zip(samples, samples.dropFirst()) {
            let step = next.changes >= previous.changes ? next.changes - previous.changes : next.changes
            total = total.addingReportingOverflow(step).overflow ? .max : total + step
        }
        return total
    }
}
