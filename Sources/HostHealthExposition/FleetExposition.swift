internal import HostHealthModel
internal import HostHealthPolicy

/// The pool's drain budget in the scrape, so the fleet rules see how much of a pool is out at
/// once and an alert says why a host that should drain does not. Present only with a `fleet:`
/// section: a host without one writes none of these families.
enum FleetExposition {
    static let states: [String] = ["idle", "pending", "granted", "denied", "unavailable"]

    static func render(_ report: HealthReport, into writer: inout MetricsWriter) {
        guard let fleet = report.fleet else { return }
        writer.family(
            "hosthealth_fleet_budget", .gauge,
            help: "This host's standing in its pool's drain budget as a state set: 1 for the current state, 0 for the others.")
        let shown = fleet.shownState
        for state in states {
            writer.sample("hosthealth_fleet_budget", ["pool": fleet.pool, "state": state], state == shown ? 1 : 0)
        }
        writer.family(
            "hosthealth_fleet_held_back", .gauge,
            help: "1 while the drain budget holds this host's worse verdict back (it serves at the floor weight), else 0.")
        writer.sample("hosthealth_fleet_held_back", ["pool": fleet.pool], report.host.heldBack == nil ? 0 : 1)
        guard let count = fleet.count else { return }
        writer.family("hosthealth_fleet_pool_draining", .gauge, help: "Hosts of the pool holding a drain slot (or in maintenance), as last seen in etcd.")
        writer.sample("hosthealth_fleet_pool_draining", ["pool": fleet.pool], Double(count.draining))
        writer.family("hosthealth_fleet_pool_slots", .gauge, help: "Drain slots the pool's max_draining allows for its live members, as last seen.")
        writer.sample("hosthealth_fleet_pool_slots", ["pool": fleet.pool], Double(count.slots))
        writer.family("hosthealth_fleet_pool_members", .gauge, help: "Live members of the pool (registered under an unexpired lease), as last seen.")
        writer.sample("hosthealth_fleet_pool_members", ["pool": fleet.pool], Double(count.members))
    }
}
