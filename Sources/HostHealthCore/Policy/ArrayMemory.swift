/// What the array judge remembers of one array between evaluations: enough to tell a rebuild
/// that advances from one that stalled, a rising error count, and what changed for the events.
public struct ArrayMemory: Sendable, Equatable {
    public var name: String
    /// False while the array has only ever had a `problem`: there is nothing to compare yet.
    public var hasBeenRead: Bool
    /// The rebuild or scrub under way (running or waiting), once it has been seen running.
    public var syncAction: SyncAction?
    /// Sectors done at the last look, and when that number last moved.
    public var progressDone: UInt64?
    public var progressAdvancedAt: Timestamp?
    /// The last progress seen, for the reason a finished rebuild gives.
    public var progressRatio: Double?
    /// The highest `RebuildNN` milestone passed by the running rebuild.
    public var milestone: Int
    /// Missing disks when the running rebuild started: a recovery that leaves fewer completed.
    public var degradedAtStart: Int?
    /// Since when a rebuild has been `delayed` or `pending`.
    public var waitingSince: Timestamp?
    public var degraded: Int?
    public var memberErrors: [String: UInt64]
    /// When each member's error count last rose.
    public var errorsRoseAt: [String: Timestamp]
    public var faulty: Set<String>
    public var inSync: Set<String>
    public var members: Set<String>
    /// The scrub or rebuild that ran last, for arrays whose kernel has no `last_sync_action`.
    public var lastSyncAction: SyncAction?

    public init(name: String) {
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
