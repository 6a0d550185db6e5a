/// How the agent's own side effects are doing — the journal on disk and the transition hook —
/// exported so that a full disk or a failing hook is visible rather than silent.
package struct OutputStatus: Sendable, Equatable {
    package var journal: JournalStatus
    /// nil when no hook is configured.
    package var hookRuns: HookRuns?

    package init(journal: JournalStatus = JournalStatus(), hookRuns: HookRuns? = nil) {
        self.journal = journal
        self.hookRuns = hookRuns
    }
}

/// The transition journal's own health.
package struct JournalStatus: Sendable, Equatable {
    /// Records go to the state directory (false: memory only, by choice or because it failed).
    package var persistent: Bool
    /// The last write (or the directory at start) failed, e.g. a full disk.
    package var failing: Bool
    package var writeErrors: UInt64
    package var recordsWritten: UInt64
    /// Records found unreadable (torn by a crash) when the journal was read back at start.
    package var skippedAtStart: UInt64
    /// Unix time of the newest transition, read back from disk at start: survives restarts.
    package var lastTransition: Timestamp?
    /// The `seq` of the newest record known to be on disk: what a crash cannot take back.
    package var syncedSequence: UInt64?
    /// Transitions dropped while the journal took nothing (a hung disk): never journaled.
    package var droppedWaiting: UInt64

    package init(
        persistent: Bool = false, failing: Bool = false, writeErrors: UInt64 = 0, recordsWritten: UInt64 = 0,
        skippedAtStart: UInt64 = 0, lastTransition: Timestamp? = nil, syncedSequence: UInt64? = nil, droppedWaiting: UInt64 = 0
    ) {
        self.droppedWaiting = droppedWaiting
        self.syncedSequence = syncedSequence
        self.persistent = persistent
        self.failing = failing
        self.writeErrors = writeErrors
        self.recordsWritten = recordsWritten
        self.skippedAtStart = skippedAtStart
        self.lastTransition = lastTransition
    }
}
