/// The five answers the agent gives about anything it watches, from the operator's point of view.
///
/// `converging` is the reason this project exists: reduced but healing by itself, with visible
/// progress. `unknown` is never treated as `ok`: a source that cannot be read fails closed.
package enum HealthState: String, Sendable, Codable, CaseIterable, Comparable {
    case ok
    case converging
    case degraded
    case failed
    case unknown

    /// How bad a state is when several are combined. `unknown` ranks between `degraded` and
    /// `failed`: a host we cannot vouch for is drained, but a known failure still wins.
    package var severity: Int {
        switch self {
        case .ok: 0
        case .converging: 1
        case .degraded: 2
        case .unknown: 3
        case .failed: 4
        }
    }

    package static func < (lhs: HealthState, rhs: HealthState) -> Bool {
        lhs.severity < rhs.severity
    }

    /// The share of full traffic a component in this state can take; converging components
    /// bring their own figure.
    var defaultCapacity: Double {
        switch self {
        case .ok: 1
        case .converging: 0.5
        case .degraded, .failed, .unknown: 0
        }
    }
}
