/// The SMART runner's knowledge of one disk: the last report that held data (kept while the
/// disk sleeps or smartctl misbehaves) and what happened at the last attempt.
public struct SmartObservation: Sendable, Equatable {
    /// The last report read from the disk itself, and when (the snapshot's clock).
    public var report: SmartReport?
    public var readAt: Timestamp?
    /// When smartctl was last run for this disk, whatever came of it.
    public var attemptedAt: Timestamp?
    /// The disk was asleep at the last attempt and was left asleep.
    public var standby: Bool
    /// Why the last attempt gave no data (smartctl missing, timed out, garbage, a device
    /// smartctl cannot talk to); nil after a good read or a standby.
    public var problem: String?

    public init(report: SmartReport? = nil, readAt: Timestamp? = nil, attemptedAt: Timestamp? = nil, standby: Bool = false, problem: String? = nil) {
        self.report = report
        self.readAt = readAt
        self.attemptedAt = attemptedAt
        self.standby = standby
        self.problem = problem
    }

    /// Seconds since the last good read.
    public func age(at now: Timestamp) -> Double? {
        readAt.map { max(0, now - $0) }
    }
}
