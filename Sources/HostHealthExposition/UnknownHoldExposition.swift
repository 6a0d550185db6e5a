internal import HostHealthModel
internal import HostHealthPolicy

/// An `unknown` host whose outputs keep serving the last known answer (`hold`) must still be
/// seen: `hosthealth_unknown_held` is 1 then, so an alert fires although nothing drained. The
/// family is written only while it holds (a host that never holds has no such series).
enum UnknownHoldExposition {
    static func render(_ host: HostHealth, into writer: inout MetricsWriter) {
        guard let known = host.lastKnown else { return }
        writer.family(
            "hosthealth_unknown_held", .gauge,
            help: "1 while the host is unknown and an output configured to hold serves the last known state (label) instead.")
        writer.sample("hosthealth_unknown_held", ["last_known": known.state.rawValue], 1)
    }
}
