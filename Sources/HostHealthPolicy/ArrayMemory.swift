package import HostHealthModel
internal import HostHealthConfig

/// What the array judge remembers of one array between evaluations: enough to tell a rebuild
/// that advances from one that stalled, a rising error count, and what changed for the events.
package struct ArrayMemory: Sendable, Equatable {
    package var name: String
    /// False while the array has only ever had a `problem`: there is nothing to compare yet.
    package var hasBeenRead: Bool
    /// The rebuild or scrub under way (running or waiting), once it has been seen running.
    package var syncAction: SyncAction?
    /// Sectors done at the last look, and when that number last moved.
    package var progressDone: UInt64?
    package var progressAdvancedAt: Timestamp?
    /// The last progress seen, for the reason a finished rebuild gives.
    package var progressRatio: Double?
    /// The highest `RebuildNN` milestone passed by the running rebuild.
    package var milestone: Int
    /// Missing disks when the running rebuild started: a recovery that leaves fewer completed.
    package var degradedAtStart: Int?
    /// Since when a rebuild has been `delayed` or `pending`.
    package var waitingSince: Timestamp?
    package var degraded: Int?
    package var memberErrors: [String: UInt64]
    /// When each member's error count last rose.
    package var errorsRoseAt: [String: Timestamp]
    package var faulty: Set<String>
    package var inSync: Set<String>
    package var members: Set<String>
    /// The scrub or rebuild that ran last, for arrays whose kernel has no `last_sync_action`.
    package var lastSyncAction: SyncAction?

    package init(name: String) {
        self.name = name
        hasBeenRead = false
        milestone = 0
        memberErrors = [:]
        errorsRoseAt = [:]
        faulty = []
        inSync = []
        members = []
    }
}
