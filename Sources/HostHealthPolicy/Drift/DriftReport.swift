package import HostHealthModel

/// The second axis, per declared item: how what is there compares with what was declared.
/// Health says whether a part works; drift says whether it is the part that was meant.
package enum DriftStatus: String, Sendable, CaseIterable, Comparable {
    case inSync = "in_sync"
    /// A replacement healing into its declared place within its deadline: not drift.
    case converging
    case changed
    case missing
    case unexpected
    case replaced
    case moved
    /// Its reader failed or is stale: never `missing`.
    case unknown

    private var rank: Int { Self.allCases.firstIndex(of: self)! }

    package static func < (lhs: DriftStatus, rhs: DriftStatus) -> Bool { lhs.rank < rhs.rank }
}

/// One attribute that differs: `speed: 25000 → 10000`. nil is "absent".
package struct DriftChange: Sendable, Equatable {
    package var path: String
    package var from: String?
    package var to: String?

    package init(path: String, from: String?, to: String?) {
        self.path = path
        self.from = from
        self.to = to
    }
}

/// The judgement of one declared (or undeclared but present) item.
package struct DriftItem: Sendable, Equatable {
    package var kind: DriftKind
    package var id: String
    package var status: DriftStatus
    package var intent: Intent
    package var declared: BaselineItem?
    package var actual: BaselineItem?
    package var changes: [DriftChange]
    /// Until when a converging replacement is tolerated (monotonic, like every judgement).
    package var deadline: Timestamp?
    /// What it does upward; nil when nothing deviates or the deviation is tolerated.
    package var effect: DriftEffect?
    /// Converged onto a replacement: tolerated, and waiting for `hostctl baseline accept`.
    package var acceptedPending: Bool
    /// For people: `replaced, rebuilding md0 42%, ETA 2h, within 72h`.
    package var note: String
    package var progress: Double?
    package var etaSeconds: Double?
    /// The health component it is, where there is one.
    package var component: ComponentID?

    package init(
        kind: DriftKind, id: String, status: DriftStatus, intent: Intent, declared: BaselineItem?, actual: BaselineItem?,
        changes: [DriftChange] = [], deadline: Timestamp? = nil, effect: DriftEffect? = nil, acceptedPending: Bool = false,
        note: String = "", progress: Double? = nil, etaSeconds: Double? = nil, component: ComponentID? = nil
    ) {
        self.kind = kind
        self.id = id
        self.status = status
        self.intent = intent
        self.declared = declared
        self.actual = actual
        self.changes = changes
        self.deadline = deadline
        self.effect = effect
        self.acceptedPending = acceptedPending
        self.note = note
        self.progress = progress
        self.etaSeconds = etaSeconds
        self.component = component
    }

    /// `disk:wwn-0x…`, as `hostctl baseline accept` takes it.
    package var key: String { "\(kind.rawValue):\(id)" }

    /// Differs from the baseline in a way that is not tolerated: `hostctl diff` exits 2.
    /// `ignore` shows but does not count; accepted-pending is tolerated.
    package var isDrift: Bool {
        switch status {
        case .inSync, .converging, .unknown: false
        default: !acceptedPending && effect != .ignore
        }
    }

    /// Shown at all: in sync items are not.
    package var deviates: Bool { status != .inSync }
}

/// Everything the drift policy says about a host against its baseline.
package struct DriftReport: Sendable, Equatable {
    /// Sorted by kind, then id.
    package var items: [DriftItem]
    /// Declared items per kind, and those of them that are there (in any status but missing
    /// or unknown).
    package var expected: [DriftKind: Int]
    package var present: [DriftKind: Int]
    /// Kinds that could not be observed, with why: `hostctl diff` adds 4 to its exit.
    package var unobserved: [DriftKind: String]

    package init(items: [DriftItem] = [], expected: [DriftKind: Int] = [:], present: [DriftKind: Int] = [:], unobserved: [DriftKind: String] = [:]) {
        self.items = items
        self.expected = expected
        self.present = present
        self.unobserved = unobserved
    }

    package var summary: [DriftStatus: Int] {
        var counts: [DriftStatus: Int] = [:]
        for item in items { counts[item.status, default: 0] += 1 }
        return counts
    }

    package var hasDrift: Bool { items.contains { $0.isDrift } }
    package var incomplete: Bool { !unobserved.isEmpty }

    /// `hostctl diff`'s exit: 0 in sync, 2 drift, plus 4 when a layer could not be observed.
    package var exitCode: Int32 { (hasDrift ? 2 : 0) + (incomplete ? 4 : 0) }

    package func item(_ key: String) -> DriftItem? { items.first { $0.key == key } }
}
