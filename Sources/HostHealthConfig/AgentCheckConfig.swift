/// `agent_check:` — how HAProxy's agent-check is answered where a softer signal than `drain`
/// or `down` serves the pool better.
package struct AgentCheckConfig: Sendable, Equatable {
    /// `degraded` as a low weight (`up ready NN%`) instead of `drain`: weights normalise across
    /// a pool, so if every host says 50% the split is unchanged and nobody is drained. nil:
    /// `drain`.
    package var degradedWeight: Double?
    /// `unknown` keeps the last answer served before it (and says so in the scrape) instead
    /// of `down`: for pools where a reader broken by an update must not take hosts out.
    package var holdUnknown: Bool

    package init(degradedWeight: Double? = nil, holdUnknown: Bool = false) {
        self.degradedWeight = degradedWeight
        self.holdUnknown = holdUnknown
    }
}
