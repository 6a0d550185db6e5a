package import HostHealthModel

/// One domain's reading of the kernel log: offered every record the reader reads, it returns
/// the event it recognises in it (disk trouble, a memory error, a machine check), or nil for a
/// record that is not its domain's. Each parser lives in its own file under `Parsers/`, and is
/// registered with one line in `KernelLogParsers.all`.
///
/// A parser runs on the reader's one thread, record after record in the kernel's order, so it
/// may keep state between records (a machine check's follow-up lines). It must be cheap on
/// records that are not its own: every record of a busy host passes every parser.
package protocol KernelLogParser: Sendable {
    mutating func recognise(_ record: KernelLogRecord) -> (any KernelLogEvent)?
}

/// Every domain's parser, in the order a record is offered to them: the first that recognises
/// a record has it. Adding a domain's kernel-log lines is a parser file and a line here.
package enum KernelLogParsers {
    package static func all() -> [any KernelLogParser] {
        [
            DiskTroubleParser(),
            MemoryErrorParser(),
            MachineCheckParser(),
            PCIeAERParser(),
        ]
    }
}

/// Hands each record to the parsers in turn; what the reader runs them through.
package struct KernelLogRouter: Sendable {
    package private(set) var parsers: [any KernelLogParser]

    package init(parsers: [any KernelLogParser] = KernelLogParsers.all()) {
        self.parsers = parsers
    }

    /// The event the first parser to recognise `record` makes of it.
    package mutating func route(_ record: KernelLogRecord) -> (any KernelLogEvent)? {
        for index in parsers.indices {
            if let event = parsers[index].recognise(record) { return event }
        }
        return nil
    }

    /// The record one `read(2)` returned, parsed and routed; nil when it is no record or no
    /// parser recognises it.
    package mutating func route(bytes: some Collection<UInt8>) -> (any KernelLogEvent)? {
        guard let record = KernelLogRecord(bytes) else { return nil }
        return route(record)
    }
}
