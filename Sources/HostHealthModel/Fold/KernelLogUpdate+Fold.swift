/// The kernel log: disk trouble is counted by subject; records without any are counters only.
extension KernelLogUpdate: ReaderUpdate {
    package static var collector: Collector { .kmsg }

    package func fold(into fold: inout SnapshotFold, status: inout ReaderStatus, at now: Timestamp) -> FoldChange {
        status.lastSuccess = now
        status.lastError = nil
        status.events += UInt64(records)
        if overwritten > 0 { status.skipped["overwritten", default: 0] += UInt64(overwritten) }
        guard !troubles.isEmpty else { return .counters }
        for trouble in troubles { fold.kernelDiskErrors.count(trouble) }
        return .data
    }
}
