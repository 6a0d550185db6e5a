/// What kind of part of the host a component is. New domains add cases; consumers must accept
/// kinds they do not know.
public enum ComponentKind: String, Sendable, Codable, CaseIterable {
    case array
    case disk
    case sensor
    case link

    /// The prefix of this kind's ids: `md:` for arrays, as operators name them; the kind's own
    /// name for the others.
    public var idPrefix: String {
        self == .array ? "md" : rawValue
    }
}

/// A component's stable identity, e.g. `link:eth0` or `md:<array uuid>`. It must survive renames and re-enumeration
/// where the hardware allows, and two components may never share one.
public struct ComponentID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var kind: ComponentKind
    public var key: String

    public init(kind: ComponentKind, key: String) {
        self.kind = kind
        self.key = key
    }

    public var description: String { "\(kind.idPrefix):\(key)" }

    public static func < (lhs: ComponentID, rhs: ComponentID) -> Bool {
        (lhs.kind.rawValue, lhs.key) < (rhs.kind.rawValue, rhs.key)
    }
}

/// The judged health of one component at one moment, after hysteresis.
public struct ComponentHealth: Sendable, Equatable {
    public var id: ComponentID
    public var name: String
    public var state: HealthState
    public var reason: String
    public var since: Timestamp
    /// For converging components: how far the healing has come (0…1) and when it should end.
    public var progress: Double?
    public var etaSeconds: Double?
    /// The data behind this verdict is older than its reader's staleness limit.
    public var stale: Bool
    /// The traffic share its domain gave a converging component; nil: the state's default.
    public var convergingCapacity: Double?
    /// The operator's policy ignores it: shown, never counted in the host's verdict.
    public var ignored: Bool = false

    public init(
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
    public var capacity: Double {
        state == .converging ? convergingCapacity ?? state.defaultCapacity : state.defaultCapacity
    }
}
