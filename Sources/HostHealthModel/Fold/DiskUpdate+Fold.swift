/// Disks: every update is the whole set. SMART of a disk that went is forgotten with it.
extension DiskUpdate: ReaderUpdate {
    package static var collector: Collector { .disks }

    package func fold(into fold: inout SnapshotFold, status: inout ReaderStatus, at now: Timestamp) -> FoldChange {
        fold.disks = disks
        for name in fold.smart.keys where disks[name] == nil { fold.smart[name] = nil }
        status.lastSuccess = now
        status.lastError = nil
        status.lastDurationSeconds = durationSeconds
        status.events += UInt64(events)
        if cause == "start" || cause == "overflow" { status.resyncs += 1 }
        return .data
    }
}
