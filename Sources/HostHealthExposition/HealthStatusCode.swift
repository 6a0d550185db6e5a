internal import HostHealthModel
package import HostHealthConfig
package import HostHealthPolicy

/// `/health`'s status code for the host's verdict.
extension HealthOutputConfig {
    /// The host's code: maintenance first; a verdict the drain budget holds back answers as
    /// `ok` (the host keeps serving); then its state.
    package func statusCode(for host: HostHealth) -> Int {
        if host.maintenance != nil { return maintenanceStatusCode }
        return statusCode(for: host.heldBack != nil ? .ok : host.state)
    }
}
