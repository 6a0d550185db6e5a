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

    public init(component: ComponentID?, name: String, from: HealthState?, to: HealthState, reason: String, at: Timestamp) {
        self.component = component
        self.name = name
        self.from = from
        self.to = to
        self.reason = reason
        self.at = at
    }
}
