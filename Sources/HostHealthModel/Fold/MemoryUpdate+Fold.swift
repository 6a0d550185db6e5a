/// Memory: every read is the whole EDAC tree; a failed read keeps the last, which ages
/// towards stale. No tree at all is data too (no controllers), with the reason shown.
extension MemoryUpdate: ReaderUpdate {
    package static var collector: Collector { .memory }

    package func fold(into fold: inout SnapshotFold, status: inout ReaderStatus, at now: Timestamp) -> FoldChange {
        status.lastDurationSeconds = durationSeconds
        status.resyncs += 1
        for (reason, count) in skipped { status.skipped[reason, default: 0] += count }
        guard let controllers else {
            status.errors += 1
            status.lastError = error
            return .status
        }
        status.lastSuccess = now
        status.lastError = nil
        let wasUnavailable = status.unavailable
        status.unavailable = unavailable
        if fold.memory == controllers && wasUnavailable == unavailable { return .status }
        fold.memory = controllers
        return .data
    }
}

/// An EDAC line of the kernel log is counted for the module it names, as the tree last read
/// shows it (or for its controller).
extension MemoryErrorEvent: KernelLogEvent {
    package func fold(into fold: inout SnapshotFold, at now: Timestamp) -> FoldChange {
        guard fold.collectors.contains(.memory) else { return .nothing }
        fold.kernelMemoryErrors.count(self, key: attribute(to: fold.memory))
        return .data
    }
}
