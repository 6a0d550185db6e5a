/// One change of state of a component or of the host: what the journal, the hooks and
/// `hostctl events` are made of.
public struct Transition: Sendable, Equatable {
    /// nil for the host itself.
    public var component: ComponentID?
    public var name: String
    public var from: HealthState?
    public var to: HealthState
    public var reason: String
    public var at: Timestamp
    /// A domain's own name for what happened, where one applies: for md arrays the
    /// mdadm-compatible names (`DegradedArray`, `RebuildStarted`, `Rebuild20`, …). A named
    /// event may leave the state as it was (`from == to`): a rebuild passing 40% is news.
    public var event: String?

    public init(
        component: ComponentID?, name: String, from: HealthState?, to: HealthState, reason: String, at: Timestamp,
        event: String? = nil
    ) {
        self.component = component
        self.name = name
        self.from = from
        self.to = to
        self.reason = reason
        self.at = at
        self.event = event
    }
}
