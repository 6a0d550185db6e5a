package import HostHealthModel
internal import HostHealthConfig

/// The host's verdict: the worst of its components, with the traffic share it can take.
package struct HostHealth: Sendable, Equatable {
    package var state: HealthState
    package var capacity: Double
    package var since: Timestamp
    package var reasons: [String]
    /// The reason given to `hostctl maintenance on`: an operator's drain, whatever `state`
    /// says. Agent-check answers `maint`, `/health` 503.
    package var maintenance: String?
    /// The pool's drain budget holds this worse verdict back: the host keeps serving at the
    /// floor weight (agent-check `up ready NN%`, `/health` as for `ok`) and says why.
    package var heldBack: HeldBack?
    /// While `unknown`: the last state known before it, for outputs configured to hold it.
    package var lastKnown: KnownVerdict?
    /// Whether the outputs, as configured, keep the host in service: set by the agent from its
    /// output settings; until then, as shipped (`ok` and `converging` serve).
    package var inService: Bool

    package init(state: HealthState, capacity: Double, since: Timestamp, reasons: [String], maintenance: String? = nil) {
        self.state = state
        self.capacity = capacity
        self.since = since
        self.reasons = reasons
        self.maintenance = maintenance
        inService = maintenance == nil && (state == .ok || state == .converging)
    }
}

/// A verdict an output can keep serving while the host is `unknown`.
package struct KnownVerdict: Sendable, Equatable {
    package var state: HealthState
    package var capacity: Double

    package init(state: HealthState, capacity: Double) {
        self.state = state
        self.capacity = capacity
    }
}

/// What every output shows: the host and each component, as judged at `evaluatedAt`.
package struct HealthReport: Sendable, Equatable {
    package var host: HostHealth
    /// Sorted by id, so outputs are stable.
    package var components: [ComponentHealth]
    package var evaluatedAt: Timestamp
    /// Seconds to add to this report's timestamps for Unix time. The agent judges on a
    /// monotonic clock, so a stepped system clock cannot fake a held recovery or a stale
    /// reader; outputs convert with this when they show a time.
    package var wallClockOffset: Double
    /// Drift against the baseline; nil when none is loaded (no drift judgement).
    package var drift: DriftReport?
    package var baseline: BaselineReference?
    /// The pool's drain budget as the fleet service last saw it; nil without a `fleet:` section.
    package var fleet: FleetStanding?

    package init(host: HostHealth, components: [ComponentHealth], evaluatedAt: Timestamp, wallClockOffset: Double = 0) {
        self.host = host
        self.components = components
        self.evaluatedAt = evaluatedAt
        self.wallClockOffset = wallClockOffset
    }

    /// A timestamp of this report as Unix time.
    package func wallTime(_ time: Timestamp) -> Timestamp {
        time + wallClockOffset
    }
}

/// Which baseline a report was judged against.
package struct BaselineReference: Sendable, Equatable {
    package var path: String
    package var sha256: String

    package init(path: String, sha256: String) {
        self.path = path
        self.sha256 = sha256
    }
}
