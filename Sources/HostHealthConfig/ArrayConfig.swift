internal import HostHealthModel

/// `arrays:` — how md arrays are judged. The defaults suit a weekly or monthly scrub and a
/// rebuild of a large disk that takes hours.
package struct ArrayConfig: Sendable, Equatable {
    /// A rebuild whose position has not moved for this long is stalled: degraded. (10m: md
    /// throttles a rebuild under load, but it still moves within minutes.)
    package var stallAfterSeconds: Double
    /// A rebuild still `delayed` or `pending` after this long is degraded. (1h: a delayed
    /// rebuild waits for another array's sync on the same disks.)
    package var pendingAfterSeconds: Double
    /// The traffic share a converging array allows (0.5).
    package var convergingCapacity: Double
    /// A member whose error count rose keeps the array degraded this long (1h).
    package var errorsWindowSeconds: Double
    /// A better state is taken only after it has held this long (30s).
    package var recoverAfterSeconds: Double
    /// A full re-read this often while no sync runs (10s): it proves the reader alive and
    /// catches a member failure the kernel announced with no uevent. A few small files.
    package var resyncIntervalSeconds: Double
    /// Array verdicts become `unknown` when the reader has had no good read for this long (3m).
    package var staleAfterSeconds: Double

    package init(
        stallAfterSeconds: Double = 600, pendingAfterSeconds: Double = 3600, convergingCapacity: Double = 0.5,
        errorsWindowSeconds: Double = 3600, recoverAfterSeconds: Double = 30, resyncIntervalSeconds: Double = 10,
        staleAfterSeconds: Double = 180
    ) {
        self.stallAfterSeconds = stallAfterSeconds
        self.pendingAfterSeconds = pendingAfterSeconds
        self.convergingCapacity = convergingCapacity
        self.errorsWindowSeconds = errorsWindowSeconds
        self.recoverAfterSeconds = recoverAfterSeconds
        self.resyncIntervalSeconds = resyncIntervalSeconds
        self.staleAfterSeconds = staleAfterSeconds
    }
}
