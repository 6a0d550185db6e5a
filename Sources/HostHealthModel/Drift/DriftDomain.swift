/// The one extension point of declared intent: a domain says what its items are called in a
/// baseline, which attributes they have, and what the readers show of them now. The parser,
/// the writer, the judgement and the outputs are generic over domains, so a new one (memory
/// DIMMs, PCIe devices) is one more conformance in `DriftDomains.all`.
package protocol DriftDomain: Sendable {
    var kind: DriftKind { get }
    /// The baseline's top-level key for this kind (`disks`).
    var section: String { get }
    /// The collector whose reader must be fresh for the items to be judged; while it is not,
    /// every item of this kind is `unknown`, never `missing`.
    var collector: Collector { get }
    /// The attributes an item may declare besides `id` and `slot`, in the order shown.
    var fields: [DriftField] { get }
    /// What is there now, or nil when the snapshot has nothing of this domain (its collector
    /// is off). Never holds what the reader could not see (see `BaselineItem.unknown`).
    func observe(_ snapshot: HostSnapshot) -> [ObservedItem]?
    /// Whether an undeclared item of this domain is worth calling `unexpected` (a physical
    /// NIC is, a container's veth is not).
    func isDeclarable(_ item: ObservedItem) -> Bool
}

extension DriftDomain {
    package func isDeclarable(_ item: ObservedItem) -> Bool { true }
}

/// An item as the readers see it: what a baseline would hold, plus what is only known now.
package struct ObservedItem: Sendable, Equatable {
    package var item: BaselineItem
    /// Attributes the readers could not see this time (a link's speed without carrier, a
    /// member whose disk the disk reader does not show): never a change, never recorded.
    package var unknown: Set<String>
    /// Whether it could be part of a baseline at all (see `DriftDomain.isDeclarable`).
    package var declarable: Bool

    package init(item: BaselineItem, unknown: Set<String> = [], declarable: Bool = true) {
        self.item = item
        self.unknown = unknown
        self.declarable = declarable
    }
}

/// One attribute of a domain's items.
package struct DriftField: Sendable, Equatable {
    package enum Shape: Sendable, Equatable {
        /// A word or a number, kept as text.
        case text
        /// A whole number (`mtu`, `raid_disks`).
        case integer
        /// A set of words, kept sorted and joined by newlines (a chip's labels).
        case list
        /// An array's members, `member.<role>` and `member.<role>.slot`.
        case members
    }

    package var name: String
    package var shape: Shape

    package init(_ name: String, _ shape: Shape = .text) {
        self.name = name
        self.shape = shape
    }
}

/// The domains a baseline can declare.
package enum DriftDomains {
    package static let all: [any DriftDomain] = [DiskDrift(), ArrayDrift(), LinkDrift(), SensorChipDrift(), PCIeDeviceDrift()]

    package static func domain(_ kind: DriftKind) -> (any DriftDomain)? {
        all.first { $0.kind == kind }
    }

    /// Everything the readers see now, by kind, in no particular order; a kind whose
    /// collector is off is absent.
    package static func observe(_ snapshot: HostSnapshot) -> [DriftKind: [ObservedItem]] {
        var result: [DriftKind: [ObservedItem]] = [:]
        for domain in all {
            if let items = domain.observe(snapshot) { result[domain.kind] = items }
        }
        return result
    }

    /// A baseline of what is there now: only what is declarable and only what was seen; a
    /// kind in `unobserved` (its reader stale or failing) is left out whole.
    package static func record(_ snapshot: HostSnapshot, by: String?, at: String?, unobserved: Set<DriftKind> = []) -> Baseline {
        var items: [BaselineItem] = []
        for (kind, observed) in observe(snapshot) where !unobserved.contains(kind) {
            for entry in observed where entry.declarable {
                var item = entry.item.declaration
                for name in entry.unknown { item.attributes[name] = nil }
                items.append(item)
            }
        }
        return Baseline(recordedBy: by, recordedAt: at, items: items)
    }
}

/// Text of a list attribute: sorted, without repeats, one per line.
package enum DriftList {
    package static func join(_ values: some Sequence<String>) -> String {
        Set(values).sorted().joined(separator: "\n")
    }

    package static func split(_ text: String) -> [String] {
        text.isEmpty ? [] : text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }
}
