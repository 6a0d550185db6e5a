/// How one reader is doing: the agent's own health, exported so that a stale or failing source
/// is visible rather than silently read as healthy.
package struct ReaderStatus: Sendable, Equatable {
    /// The collector name, as in `--collector.NAME`.
    package var name: String
    package var lastSuccess: Timestamp?
    package var lastDurationSeconds: Double?
    package var errors: UInt64
    package var lastError: String?
    /// Kernel events received (netlink messages, uevents).
    package var events: UInt64
    /// Full re-reads: the first one, periodic ones, and those after a lost event.
    package var resyncs: UInt64
    /// Input the reader could not use and skipped, by reason (e.g. `truncated`,
    /// `unknown_attribute`): counted, never fatal.
    package var skipped: [String: UInt64]
    /// Why the reader's source is not on this host at all (smartctl not installed): not an
    /// error, and nothing to retry until it appears. nil while the source is there.
    package var unavailable: String?

    package init(
        name: String, lastSuccess: Timestamp? = nil, lastDurationSeconds: Double? = nil,
        errors: UInt64 = 0, lastError: String? = nil, events: UInt64 = 0, resyncs: UInt64 = 0,
        skipped: [String: UInt64] = [:]
    ) {
        self.name = name
        self.lastSuccess = lastSuccess
        self.lastDurationSeconds = lastDurationSeconds
        self.errors = errors
        self.lastError = lastError
        self.events = events
        self.resyncs = resyncs
        self.skipped = skipped
    }

    /// Seconds since the last good read, or nil when there never was one.
    package func age(at now: Timestamp) -> Double? {
        lastSuccess.map { max(0, now - $0) }
    }
}
