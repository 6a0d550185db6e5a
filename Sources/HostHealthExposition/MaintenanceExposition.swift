internal import HostHealthModel
internal import HostHealthPolicy
internal import HostHealthConfig

/// The operator's drain in the scrape: `hosthealth_maintenance` is 1 while `hostctl maintenance
/// on` holds, whatever `hosthealth_host_state` says; the reason is a label of
/// `hosthealth_maintenance_reason_info`, present only then (one series, so no cardinality to fear).
enum MaintenanceExposition {
    static func render(_ host: HostHealth, into writer: inout MetricsWriter) {
        writer.family("hosthealth_maintenance", .gauge, help: "1 while an operator holds the host in maintenance (drained), else 0.")
        writer.sample("hosthealth_maintenance", [:], host.maintenance == nil ? 0 : 1)
        writer.family("hosthealth_maintenance_reason_info", .info, help: "The operator's maintenance reason, present only during maintenance; always 1.")
        if let reason = host.maintenance {
            writer.sample("hosthealth_maintenance_reason_info", ["reason": reason], 1)
        }
    }
}
