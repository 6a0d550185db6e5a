/// What the kernel log reader found since its last batch: the events its domains' parsers
/// recognised (disk trouble, memory errors, machine checks, …), in the order logged.
package struct KernelLogUpdate: Sendable, Equatable {
    package var events: [any KernelLogEvent]
    /// Records read, recognised or not.
    package var records: Int
    /// Times the reader fell behind and the kernel overwrote records before they were read.
    package var overwritten: Int

    package init(events: [any KernelLogEvent] = [], records: Int = 0, overwritten: Int = 0) {
        self.events = events
        self.records = records
        self.overwritten = overwritten
    }

    /// Disk trouble alone, as the disk domain's tests and callers build it.
    package init(troubles: [DiskTrouble], records: Int = 0, overwritten: Int = 0) {
        self.init(events: troubles, records: records, overwritten: overwritten)
    }

    /// The disk trouble among the events.
    package var troubles: [DiskTrouble] { events.compactMap { $0 as? DiskTrouble } }

    package static func == (lhs: KernelLogUpdate, rhs: KernelLogUpdate) -> Bool {
        lhs.records == rhs.records && lhs.overwritten == rhs.overwritten && lhs.events.count == rhs.events.count
            && zip(lhs.events, rhs.events).allSatisfy { $0.isEqual(to: $1) }
    }
}

/// One kernel-log record recognised by a domain's parser (`Sources/KernelLogReader/Parsers/`):
/// it folds itself into its domain's data, so the kernel-log reader and its fold know no domain.
/// A domain's event type lives beside its model and folds in `Fold/<Event>+KernelLog.swift`.
package protocol KernelLogEvent: Sendable {
    /// Counts the event into its domain's data in `fold`; `.data` when it changed what a
    /// verdict or an output reads, `.nothing` when the domain keeps no such data.
    func fold(into fold: inout SnapshotFold, at now: Timestamp) -> FoldChange

    func isEqual(to other: any KernelLogEvent) -> Bool
}

extension KernelLogEvent where Self: Equatable {
    package func isEqual(to other: any KernelLogEvent) -> Bool {
        (other as? Self) == self
    }
}
