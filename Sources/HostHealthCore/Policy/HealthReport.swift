/// The host's verdict: the worst of its components, with the traffic share it can take.
public struct HostHealth: Sendable, Equatable {
    public var state: HealthState
    public var capacity: Double
    public var since: Timestamp
    public var reasons: [String]
    /// The reason given to `hostctl maintenance on`: an operator's drain, whatever `state`
    /// says. Agent-check answers `maint`, `/health` 503.
    public var maintenance: String?

    public init(state: HealthState, capacity: Double, since: Timestamp, reasons: [String], maintenance: String? = nil) {
        self.state = state
        self.capacity = capacity
        self.since = since
        self.reasons = reasons
        self.maintenance = maintenance
    }
}

/// What every output shows: the host and each component, as judged at `evaluatedAt`.
public struct HealthReport: Sendable, Equatable {
    public var host: HostHealth
    /// Sorted by id, so outputs are stable.
    public var components: [ComponentHealth]
    public var evaluatedAt: Timestamp
    /// Seconds to add to this report's timestamps for Unix time. The agent judges on a
    /// monotonic clock, so a stepped system clock cannot fake a held recovery or a stale
    /// reader; outputs convert with this when they show a time.
    public var wallClockOffset: Double

    public init(host: HostHealth, components: [ComponentHealth], evaluatedAt: Timestamp, wallClockOffset: Double = 0) {
        self.host = host
        self.components = components
        self.evaluatedAt = evaluatedAt
        self.wallClockOffset = wallClockOffset
    }

    /// A timestamp of this report as Unix time.
    public func wallTime(_ time: Timestamp) -> Timestamp {
        time + wallClockOffset
    }
}
