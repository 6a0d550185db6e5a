/// Sensors: a reading replaces the last one; a failed read keeps it, and it ages towards stale.
extension SensorUpdate: ReaderUpdate {
    package static var collector: Collector { .sensors }

    package func fold(into fold: inout SnapshotFold, status: inout ReaderStatus, at now: Timestamp) -> FoldChange {
        status.events += UInt64(events)
        if reinitialised { status.resyncs += 1 }
        if !configurationProblems.isEmpty {
            status.skipped["configuration_line", default: 0] += UInt64(configurationProblems.count)
        }
        status.lastDurationSeconds = durationSeconds
        guard let reading else {
            status.errors += 1
            status.lastError = error
            return .status
        }
        fold.sensors = reading.sensors
        status.lastSuccess = now
        status.lastError = nil
        if reading.unreadableSubfeatures > 0 {
            status.skipped["unreadable_subfeature", default: 0] += UInt64(reading.unreadableSubfeatures)
        }
        return .data
    }
}
