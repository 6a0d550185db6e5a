/// A component's state as judged from one snapshot alone, before hysteresis smooths it.
public struct Verdict: Sendable, Equatable {
    public var id: ComponentID
    public var name: String
    public var state: HealthState
    public var reason: String
    public var progress: Double?
    public var etaSeconds: Double?
    public var stale: Bool

    public init(
        id: ComponentID, name: String, state: HealthState, reason: String = "",
        progress: Double? = nil, etaSeconds: Double? = nil, stale: Bool = false
    ) {
        self.id = id
        self.name = name
        self.state = state
        self.reason = reason
        self.progress = progress
        self.etaSeconds = etaSeconds
        self.stale = stale
    }
}
