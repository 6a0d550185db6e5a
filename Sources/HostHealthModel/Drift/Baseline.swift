/// What an operator declares the host should be: `/etc/hosthealth/baseline.yaml`, recorded by
/// `hostctl baseline record` and judged against what the readers see (`DriftPolicy`).
///
/// Every domain declares its items the same way (an identity, an optional slot and named
/// attributes), so a new domain adds one `DriftDomain` and nothing here changes.
package struct Baseline: Sendable, Equatable {
    /// The document version this agent writes and reads.
    package static let schemaVersion = 1

    package var schema: Int
    /// Who recorded it (`hostctl 0.4.0 on db7`) and when (RFC 3339, UTC); shown, not judged.
    package var recordedBy: String?
    package var recordedAt: String?
    /// Per kind: the rules that apply to each of its items unless an item says otherwise.
    package var kinds: [DriftKind: DriftRule]
    /// Sorted by kind then id (`Baseline.sorted`), so a recording diffs small.
    package var items: [BaselineItem]

    package init(
        schema: Int = Baseline.schemaVersion, recordedBy: String? = nil, recordedAt: String? = nil,
        kinds: [DriftKind: DriftRule] = [:], items: [BaselineItem] = []
    ) {
        self.schema = schema
        self.recordedBy = recordedBy
        self.recordedAt = recordedAt
        self.kinds = kinds
        self.items = items.sorted()
    }

    /// The kinds the baseline declares anything about: only these are judged, so a baseline
    /// that lists no links never calls a link unexpected.
    package var declaredKinds: Set<DriftKind> {
        Set(items.map(\.kind)).union(kinds.keys)
    }

    package func items(of kind: DriftKind) -> [BaselineItem] {
        items.filter { $0.kind == kind }
    }

    /// `other`'s items laid over this one's (by kind and id), and its kind rules over these:
    /// how `baseline.d/*.yaml` add to `baseline.yaml`.
    package func merged(with other: Baseline) -> Baseline {
        var byKey: [String: BaselineItem] = [:]
        for item in items + other.items { byKey[item.key] = item }
        var kinds = self.kinds
        for (kind, rule) in other.kinds { kinds[kind] = (kinds[kind] ?? DriftRule()).overlaid(by: rule) }
        return Baseline(
            schema: schema, recordedBy: recordedBy ?? other.recordedBy, recordedAt: recordedAt ?? other.recordedAt,
            kinds: kinds, items: Array(byKey.values))
    }

    /// The rule for an item: its kind's, with the item's own laid over.
    package func rule(for item: BaselineItem) -> DriftRule {
        (kinds[item.kind] ?? DriftRule()).overlaid(by: item.rule)
    }
}

/// A kind of declared item. A struct, not an enum: domains added later (memory DIMMs, PCIe
/// devices) bring their own without touching the judgement.
package struct DriftKind: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible {
    package var rawValue: String

    package init(rawValue: String) {
        self.rawValue = rawValue
    }

    package static let disk = DriftKind(rawValue: "disk")
    package static let array = DriftKind(rawValue: "array")
    package static let link = DriftKind(rawValue: "link")
    package static let sensorChip = DriftKind(rawValue: "sensor_chip")
    package static let pcieDevice = DriftKind(rawValue: "pcie_device")

    package var description: String { rawValue }

    package static func < (lhs: DriftKind, rhs: DriftKind) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}

/// One thing the baseline declares, or the readers see: its identity (never a kernel name
/// where the hardware has better: a WWN, an md UUID, a chip's bus address), where it sits
/// (a disk's by-path slot), and the attributes compared one by one.
package struct BaselineItem: Sendable, Equatable, Comparable {
    package var kind: DriftKind
    /// Normalised identity: `wwn-0x5000c500a1b2c3d4`, an md UUID, `eth0`, `coretemp-isa-0000`.
    package var id: String
    /// Where it sits, for `moved` and `replaced`: a disk's by-path name.
    package var slot: String?
    /// Compared by name; values normalised as text (`25000`, `full`, `raid1`). An array's
    /// members are `member.<role>` (their disk's identity) and `member.<role>.slot`.
    package var attributes: [String: String]
    /// What this item's own entry says (intent, on_drift, converge_within).
    package var rule: DriftRule
    /// The kernel name the readers know it by (`sda`, `md0`): shown, never judged, never written.
    package var name: String?
    /// The health component this item is, where there is one (`disk:wwn-…`, `md:<uuid>`):
    /// drift that degrades folds into its verdict.
    package var component: ComponentID?

    package init(
        kind: DriftKind, id: String, slot: String? = nil, attributes: [String: String] = [:], rule: DriftRule = DriftRule(),
        name: String? = nil, component: ComponentID? = nil
    ) {
        self.kind = kind
        self.id = id
        self.slot = slot
        self.attributes = attributes
        self.rule = rule
        self.name = name
        self.component = component
    }

    /// `disk:wwn-0x…`: unique within a baseline, the id `hostctl baseline accept` takes.
    package var key: String { "\(kind.rawValue):\(id)" }

    package static func < (lhs: BaselineItem, rhs: BaselineItem) -> Bool {
        lhs.kind != rhs.kind ? lhs.kind < rhs.kind : lhs.id < rhs.id
    }

    /// Only what a baseline holds: no kernel name, no component.
    package var declaration: BaselineItem {
        BaselineItem(kind: kind, id: id, slot: slot, attributes: attributes, rule: rule)
    }
}

/// What drift does upward (`on_drift:`): `warn` shows in status, metrics and the journal but
/// never changes `/health` or agent-check; `ignore` shows only in `hostctl diff`.
package enum DriftEffect: String, Sendable, CaseIterable, Comparable {
    case ignore
    case warn
    case degrade
    case fail

    private var rank: Int { Self.allCases.firstIndex(of: self)! }

    package static func < (lhs: DriftEffect, rhs: DriftEffect) -> Bool { lhs.rank < rhs.rank }

    /// The component state this effect imposes, nil when it imposes none.
    package var state: HealthState? {
        switch self {
        case .ignore, .warn: nil
        case .degrade: .degraded
        case .fail: .failed
        }
    }
}

/// The rules of a kind or an item; every field optional so they layer (the defaults, then
/// the kind, then the item).
package struct DriftRule: Sendable, Equatable {
    /// `immutable`: any deviation is drift. `converging`: a replacement rebuilding into its
    /// slot is tolerated until `convergeWithinSeconds`.
    package var intent: Intent?
    package var onDrift: DriftEffect?
    package var convergeWithinSeconds: Double?

    package init(intent: Intent? = nil, onDrift: DriftEffect? = nil, convergeWithinSeconds: Double? = nil) {
        self.intent = intent
        self.onDrift = onDrift
        self.convergeWithinSeconds = convergeWithinSeconds
    }

    package func overlaid(by other: DriftRule?) -> DriftRule {
        guard let other else { return self }
        return DriftRule(
            intent: other.intent ?? intent, onDrift: other.onDrift ?? onDrift,
            convergeWithinSeconds: other.convergeWithinSeconds ?? convergeWithinSeconds)
    }

    package var isEmpty: Bool { self == DriftRule() }
}

/// Identity text as a baseline holds it: lower case, whitespace trimmed and runs of it made
/// one `_`, so `ST4000NM0023 ` and `st4000nm0023` are one model.
package enum DriftIdentity {
    package static func normalise(_ text: String) -> String {
        text.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: "_")
    }
}
