package import HostHealthConfig
package import HostHealthPolicy

extension AgentConfig {
    /// Whether the outputs, as configured, take the host out of service for its own verdict
    /// (maintenance and the drain budget aside): what asks the fleet for a slot, and what
    /// `hosthealth_host_serving` says. Decided from the answers themselves, so it cannot
    /// disagree with them.
    package func takesOutOfService(_ host: HostHealth) -> Bool {
        var judged = host
        judged.maintenance = nil
        judged.heldBack = nil
        if health.takesOut(judged) { return true }
        if case .up = AgentCheckReply.answer(for: judged, config: agentCheck) { return false }
        return true
    }
}
