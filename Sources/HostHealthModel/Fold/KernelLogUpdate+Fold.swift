/// The kernel log: each recognised event folds into its own domain's data (see
/// `KernelLogEvent`); records nothing recognised are counters only.
extension KernelLogUpdate: ReaderUpdate {
    package static var collector: Collector { .kmsg }

    package func fold(into fold: inout SnapshotFold, status: inout ReaderStatus, at now: Timestamp) -> FoldChange {
        status.lastSuccess = now
        status.lastError = nil
        status.events += UInt64(records)
        if overwritten > 0 { status.skipped["overwritten", default: 0] += UInt64(overwritten) }
        var change = FoldChange.counters
        for event in events { change = max(change, event.fold(into: &fold, at: now)) }
        return change
    }
}

/// Disk trouble is counted by subject until a disk claims it (`KernelDiskErrors.perDisk`).
extension DiskTrouble: KernelLogEvent {
    package func fold(into fold: inout SnapshotFold, at now: Timestamp) -> FoldChange {
        fold.kernelDiskErrors.count(self)
        return .data
    }
}
