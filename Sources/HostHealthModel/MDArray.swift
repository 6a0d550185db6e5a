/// One md RAID array as `/sys/block/mdX/md/` shows it at one moment.
///
/// Values the kernel writes while an array changes (`delayed`, `none`, `4 (3)`, `read-auto`,
/// `inactive`, an empty `level`) are data here, never errors. Only a value that cannot be
/// understood sets `problem`: that array is then judged `unknown` and no other array is touched.
package struct MDArray: Sendable, Equatable {
    /// The kernel name, `md0` or `md127`; not stable across reboots (the uuid is).
    package var name: String
    package var uuid: String?
    /// `raid0`, `raid1`, `raid4`, `raid5`, `raid6`, `raid10`, `linear`, `multipath`,
    /// `container` (imsm/ddf); nil while an array is assembled and has no level yet.
    package var level: String?
    /// The number of slots. During a reshape the kernel writes `new (old)`.
    package var raidDisks: Int?
    package var previousRaidDisks: Int?
    /// Slots without a working member. raid0 and linear have no such attribute.
    package var degraded: Int?
    /// nil when a partial tree has no `array_state`.
    package var arrayState: ArrayState?
    /// nil for levels without redundancy, which have no sync thread.
    package var syncAction: SyncAction?
    /// What the last finished or interrupted sync was (`last_sync_action`), where the kernel has it.
    package var lastSyncAction: SyncAction?
    package var syncCompleted: SyncCompleted?
    /// The current sync's speed; nil when no sync runs (`none`).
    package var syncSpeedBytesPerSecond: UInt64?
    /// Sectors found inconsistent by the last check, or rewritten by the last repair.
    package var mismatchSectors: UInt64?
    package var chunkSizeBytes: UInt64?
    /// `1.2`, `0.90`, `external:imsm`, `external:/md127/0` (a member of a container), `none`.
    package var metadataVersion: String?
    /// The space each member gives the array, in bytes.
    package var componentSizeBytes: UInt64?
    /// Where a reshape has come to, in sectors; nil when no reshape is under way (`none`).
    package var reshapePosition: UInt64?
    /// `none` once the array is in sync; otherwise the sector a resync restarts from.
    package var resyncStart: UInt64?
    /// raid10's `layout`: near copies in the low byte, far copies in the next.
    package var layout: Int?
    /// Sorted by name.
    package var members: [MDMember]
    /// Why this array could not be read or understood, in words for an operator.
    package var problem: String?
    /// What the array's udev properties declare (`HOSTHEALTH_IGNORE`, `HOSTHEALTH_INTENT`).
    package var declared: ComponentRule?

    package init(
        name: String, uuid: String? = nil, level: String? = nil, raidDisks: Int? = nil,
        previousRaidDisks: Int? = nil, degraded: Int? = nil, arrayState: ArrayState? = .clean,
        syncAction: SyncAction? = nil, lastSyncAction: SyncAction? = nil, syncCompleted: SyncCompleted? = nil,
        syncSpeedBytesPerSecond: UInt64? = nil, mismatchSectors: UInt64? = nil, chunkSizeBytes: UInt64? = nil,
        metadataVersion: String? = nil, componentSizeBytes: UInt64? = nil, reshapePosition: UInt64? = nil,
        resyncStart: UInt64? = nil, layout: Int? = nil, members: [MDMember] = [], problem: String? = nil
    ) {
        self.name = name
        self.uuid = uuid
        self.level = level
        self.raidDisks = raidDisks
        self.previousRaidDisks = previousRaidDisks
        self.degraded = degraded
        self.arrayState = arrayState
        self.syncAction = syncAction
        self.lastSyncAction = lastSyncAction
        self.syncCompleted = syncCompleted
        self.syncSpeedBytesPerSecond = syncSpeedBytesPerSecond
        self.mismatchSectors = mismatchSectors
        self.chunkSizeBytes = chunkSizeBytes
        self.metadataVersion = metadataVersion
        self.componentSizeBytes = componentSizeBytes
        self.reshapePosition = reshapePosition
        self.resyncStart = resyncStart
        self.layout = layout
        self.members = members
        self.problem = problem
    }

    /// A container (imsm/ddf) holds the metadata of the arrays inside it and is always
    /// `inactive`: that is its normal state, not a failure.
    package var isContainer: Bool { level == "container" }

    /// The sync is running and has a position (`done / total`), as opposed to waiting.
    package var syncProgress: (done: UInt64, total: UInt64)? {
        if case .sectors(let done, let total) = syncCompleted { return (done, total) }
        return nil
    }
}

/// `array_state`, spelled as the kernel writes it.
package enum ArrayState: String, Sendable, CaseIterable {
    /// No devices, no size, no level: being created or torn down.
    case clear
    /// Assembled but not running: all I/O fails. Normal for a container.
    case inactive
    case suspended
    case readonly
    /// Read-only until the first write: how arrays start after boot. Works like `clean`.
    case readAuto = "read-auto"
    case clean
    case active
    case writePending = "write-pending"
    case activeIdle = "active-idle"
    /// Lost more members than the level survives (kernels from 5.4 on for raid0/linear, 6.12 for more).
    case broken
}

/// `sync_action`, spelled as the kernel writes it. `check` and `repair` are scrubs, never
/// rebuilds; `frozen` means no sync may start (an admin or mdadm during a reshape).
package enum SyncAction: String, Sendable, CaseIterable {
    case idle
    case resync
    case recover
    case check
    case repair
    case reshape
    case frozen

    /// Actions that heal lost redundancy or rewrite the layout: an array doing this is converging.
    package var isRebuild: Bool { self == .resync || self == .recover || self == .reshape }
    package var isScrub: Bool { self == .check || self == .repair }
}

/// `sync_completed`: sectors done of the total, or why there is no position.
package enum SyncCompleted: Sendable, Equatable {
    /// No sync is running (`none`; not spelled so, to keep it apart from Optional's `.none`).
    case notRunning
    /// Waiting for another array that shares a disk (`resync=DELAYED` in /proc/mdstat).
    case delayed
    /// Wanted but not started, e.g. an array still `read-auto` (`resync=PENDING` in /proc/mdstat).
    case pending
    case sectors(done: UInt64, total: UInt64)

    /// 0…1, or nil when there is no position.
    package var ratio: Double? {
        guard case .sectors(let done, let total) = self, total > 0 else { return nil }
        return min(1, Double(done) / Double(total))
    }
}
