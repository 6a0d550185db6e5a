package import HostHealthModel
internal import HostHealthConfig

/// One change of state of a component or of the host: what the journal, the hooks and
/// `hostctl events` are made of.
package struct Transition: Sendable, Equatable {
    /// nil for the host itself.
    package var component: ComponentID?
    package var name: String
    package var from: HealthState?
    package var to: HealthState
    package var reason: String
    package var at: Timestamp
    /// A domain's own name for what happened, where one applies: for md arrays the
    /// mdadm-compatible names (`DegradedArray`, `RebuildStarted`, `Rebuild20`, …). A named
    /// event may leave the state as it was (`from == to`): a rebuild passing 40% is news.
    package var event: String?

    package init(
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
