package import HostHealthModel
internal import HostHealthConfig

/// A component's state as judged from one snapshot alone, before hysteresis smooths it.
package struct Verdict: Sendable, Equatable {
    package var id: ComponentID
    package var name: String
    package var state: HealthState
    package var reason: String
    package var progress: Double?
    package var etaSeconds: Double?
    package var stale: Bool
    /// The share of full traffic a converging component allows, when its domain says (an
    /// array rebuilding takes `arrays.converging_capacity`); nil takes the state's default.
    package var capacity: Double?
    /// What the device declares about itself (udev `HOSTHEALTH_IGNORE`, `HOSTHEALTH_INTENT`, see
    /// `ComponentRule(udevProperties:)`); the configuration file overrides it.
    package var declared: ComponentRule?

    package init(
        id: ComponentID, name: String, state: HealthState, reason: String = "",
        progress: Double? = nil, etaSeconds: Double? = nil, stale: Bool = false, capacity: Double? = nil,
        declared: ComponentRule? = nil
    ) {
        self.id = id
        self.name = name
        self.state = state
        self.reason = reason
        self.progress = progress
        self.etaSeconds = etaSeconds
        self.stale = stale
        self.capacity = capacity
        self.declared = declared
    }
}
