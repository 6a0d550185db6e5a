/// md arrays: a full read replaces them all, a uevent's read replaces the arrays it names.
extension ArrayUpdate: ReaderUpdate {
    package static var collector: Collector { .arrays }

    package func fold(into fold: inout SnapshotFold, status: inout ReaderStatus, at now: Timestamp) -> FoldChange {
        if scope == .all {
            fold.arraysByName.removeAll(keepingCapacity: true)
            status.resyncs += 1
        }
        for name in removed { fold.arraysByName[name] = nil }
        for array in arrays { fold.arraysByName[array.name] = array }
        status.events += UInt64(events)
        status.lastSuccess = now
        status.lastError = nil
        if let durationSeconds { status.lastDurationSeconds = durationSeconds }
        let sorted = fold.arraysByName.values.sorted { ($0.name.count, $0.name) < ($1.name.count, $1.name) }
        // An idle re-read that finds nothing new is news only for staleness.
        guard sorted != fold.arrays else { return .status }
        fold.arrays = sorted
        return .data
    }
}
