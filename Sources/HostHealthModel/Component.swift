/// What kind of part of the host a component is. New domains add cases; consumers must accept
/// kinds they do not know.
package enum ComponentKind: String, Sendable, Codable, CaseIterable {
    case array
    case disk
    case sensor
    case link
    case memory
    case cpu
    case pcie

    /// The prefix of this kind's ids: `md:` for arrays, as operators name them; the kind's own
    /// name for the others.
    package var idPrefix: String {
        self == .array ? "md" : rawValue
    }
}

/// A component's stable identity, e.g. `link:eth0` or `md:<array uuid>`. It must survive renames and re-enumeration
/// where the hardware allows, and two components may never share one.
package struct ComponentID: Sendable, Hashable, Comparable, CustomStringConvertible {
    package var kind: ComponentKind
    package var key: String

    package init(kind: ComponentKind, key: String) {
        self.kind = kind
        self.key = key
    }

    package var description: String { "\(kind.idPrefix):\(key)" }

    package static func < (lhs: ComponentID, rhs: ComponentID) -> Bool {
        // The kinds' names are compared only when the kinds differ: most comparisons in a
        // sort of thousands are between two links or two sensors.
        lhs.kind == rhs.kind ? lhs.key < rhs.key : lhs.kind.rawValue < rhs.kind.rawValue
    }
}

/// The judged health of one component at one moment, after hysteresis.
package struct ComponentHealth: Sendable, Equatable {
    package var id: ComponentID
    package var name: String
    package var state: HealthState
    package var reason: String
    package var since: Timestamp
    /// For converging components: how far the healing has come (0…1) and when it should end.
    package var progress: Double?
    package var etaSeconds: Double?
    /// The data behind this verdict is older than its reader's staleness limit.
    package var stale: Bool
    /// The traffic share its domain gave a converging component; nil: the state's default.
    package var convergingCapacity: Double?
    /// The operator's policy ignores it: shown, never counted in the host's verdict.
    package var ignored: Bool = false

    package init(
        id: ComponentID, name: String, state: HealthState, reason: String, since: Timestamp,
        progress: Double? = nil, etaSeconds: Double? = nil, stale: Bool = false, convergingCapacity: Double? = nil
    ) {
        self.id = id
        self.name = name
        self.state = state
        self.reason = reason
        self.since = since
        self.progress = progress
        self.etaSeconds = etaSeconds
        self.stale = stale
        self.convergingCapacity = convergingCapacity
    }

    /// The share of full traffic this component allows.
    package var capacity: Double {
        state == .converging ? convergingCapacity ?? state.defaultCapacity : state.defaultCapacity
    }
}
