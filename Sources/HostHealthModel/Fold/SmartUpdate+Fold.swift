/// SMART: one smartctl run for one disk. A host without smartmontools makes the reader
/// `unavailable` rather than failing: SMART is unknown there, which is no fault of the
/// reader's and must not tick an error counter (and fire alerts) forever.
extension SmartUpdate: ReaderUpdate {
    package static var collector: Collector { .smart }

    package func fold(into fold: inout SnapshotFold, status: inout ReaderStatus, at now: Timestamp) -> FoldChange {
        // A run that finished after its disk went is not about any disk there is.
        if fold.collectors.contains(.disks), fold.disks[disk] == nil { return .nothing }
        fold.smart[disk, default: SmartObservation()].record(attempt, at: now)
        status.lastDurationSeconds = durationSeconds
        status.events += 1
        if case .notInstalled = attempt {} else { status.unavailable = nil }
        switch attempt {
        case .report:
            if fold.smart[disk]?.problem == nil {
                status.lastSuccess = now
                status.lastError = nil
            } else {
                status.skipped["no_smart_data", default: 0] += 1
            }
        case .unreadable(let why):
            status.errors += 1
            status.skipped["unreadable_output", default: 0] += 1
            status.lastError = why
        case .timedOut:
            status.errors += 1
            status.skipped["timeout", default: 0] += 1
            status.lastError = fold.smart[disk]?.problem
        case .notInstalled(let why):
            status.unavailable = why
        case .cannotRun(let why):
            status.errors += 1
            status.lastError = why
        }
        return .data
    }
}
