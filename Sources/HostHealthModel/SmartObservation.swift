/// The SMART runner's knowledge of one disk: the last report that held data (kept while the
/// disk sleeps or smartctl misbehaves) and what happened at the last attempt.
package struct SmartObservation: Sendable, Equatable {
    /// The last report read from the disk itself, and when (the snapshot's clock).
    package var report: SmartReport?
    package var readAt: Timestamp?
    /// When smartctl was last run for this disk, whatever came of it.
    package var attemptedAt: Timestamp?
    /// The disk was asleep at the last attempt and was left asleep.
    package var standby: Bool
    /// Why the last attempt gave no data (smartctl missing, timed out, garbage, a device
    /// smartctl cannot talk to); nil after a good read or a standby.
    package var problem: String?

    package init(report: SmartReport? = nil, readAt: Timestamp? = nil, attemptedAt: Timestamp? = nil, standby: Bool = false, problem: String? = nil) {
        self.report = report
        self.readAt = readAt
        self.attemptedAt = attemptedAt
        self.standby = standby
        self.problem = problem
    }

    /// Seconds since the last good read.
    package func age(at now: Timestamp) -> Double? {
        readAt.map { max(0, now - $0) }
    }
}
