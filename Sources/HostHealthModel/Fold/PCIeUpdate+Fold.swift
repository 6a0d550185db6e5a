/// PCIe: every update is the whole set; a poll that finds nothing new is news only for
/// staleness.
extension PCIeUpdate: ReaderUpdate {
    package static var collector: Collector { .pcie }

    package func fold(into fold: inout SnapshotFold, status: inout ReaderStatus, at now: Timestamp) -> FoldChange {
        status.lastSuccess = now
        status.lastError = nil
        status.lastDurationSeconds = durationSeconds
        status.events += UInt64(events)
        if cause == "start" || cause == "overflow" { status.resyncs += 1 }
        guard devices != fold.pcieDevices else { return .status }
        fold.pcieDevices = devices
        return .data
    }
}
