package import HostHealthConfig
package import HostHealthPolicy

/// `/health`'s status code for the host's verdict.
extension HealthOutputConfig {
    /// The host's code: maintenance first, then its state.
    package func statusCode(for host: HostHealth) -> Int {
        host.maintenance != nil ? maintenanceStatusCode : statusCode(for: host.state)
    }
}
