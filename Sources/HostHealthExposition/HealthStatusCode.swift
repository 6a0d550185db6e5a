internal import HostHealthModel
package import HostHealthConfig
package import HostHealthPolicy

/// `/health`'s status code for the host's verdict.
extension HealthOutputConfig {
    /// The host's code: maintenance first; a verdict the drain budget holds back answers as
    /// `ok` (the host keeps serving); then its state.
    package func statusCode(for host: HostHealth) -> Int {
        if host.maintenance != nil { return maintenanceStatusCode }
        if host.heldBack != nil { return statusCode(for: .ok) }
        let state = shownState(host)
        return state == .degraded && envoyDegraded ? 200 : statusCode(for: state)
    }

    /// Whether `/health` marks the answer `x-envoy-degraded` (then it is 200).
    package func envoyDegradedHeader(for host: HostHealth) -> Bool {
        envoyDegraded && host.maintenance == nil && host.heldBack == nil && shownState(host) == .degraded
    }

    /// The state whose code `/health` answers: the last known one while an unknown is held.
    func shownState(_ host: HostHealth) -> HealthState {
        host.state == .unknown && holdUnknown ? host.lastKnown?.state ?? .unknown : host.state
    }

    /// Whether this answer takes the host out of a load balancer's rotation: a 5xx, or any
    /// code that is neither 2xx nor Consul's "warning" 429.
    func takesOut(_ host: HostHealth) -> Bool {
        let code = statusCode(for: host)
        return !(200..<300).contains(code) && code != 429
    }
}
