package import HostHealthModel
package import HostHealthPolicy
internal import HostHealthConfig

/// Renders the `/metrics` body from the latest snapshot and verdict, in two parts: what changes
/// only with a verdict or a link event (cacheable), and what moves at every scrape.
package enum MetricsExposition {
    /// The whole body.
    package static func render(
        report: HealthReport, snapshot: HostSnapshot, agent: AgentInfo, format: ExpositionFormat, now: Timestamp
    ) -> [UInt8] {
        renderState(report: report, snapshot: snapshot, agent: agent, format: format)
            + renderVolatile(snapshot: snapshot, format: format, now: now, wallClockOffset: report.wallClockOffset)
    }

    /// Build info, host and component states, link identity, state and carrier counters.
    package static func renderState(
        report: HealthReport, snapshot: HostSnapshot, agent: AgentInfo, format: ExpositionFormat
    ) -> [UInt8] {
        let linkCount = snapshot.links?.count ?? 0
        var writer = MetricsWriter(format: format, reservingCapacity: 4096 + linkCount * 1600)

        writer.family("hosthealth_build_info", .info, help: "Version of the hosthealth agent; always 1.")
        writer.sample("hosthealth_build_info", ["version": agent.version], 1)
        writer.family(
            "hosthealth_host_info", .info,
            help: "What hosts that fail together may share: kernel, agent version, and the fleet's pool, zone and rack (empty without a fleet section); always 1.")
        writer.sample(
            "hosthealth_host_info",
            ["kernel": agent.kernel, "pool": agent.pool, "rack": agent.rack, "version": agent.version, "zone": agent.zone], 1)

        writer.family("hosthealth_host_state", .gauge, help: "Host health state as a state set: 1 for the current state, 0 for the others.")
        for state in HealthState.allCases {
            writer.sample("hosthealth_host_state", ["state": state.rawValue], report.host.state == state ? 1 : 0)
        }
        writer.family(
            "hosthealth_host_serving", .gauge,
            help: "1 while the outputs keep the host in service (agent-check up, /health not taking it out), 0 while they drain it, take it down or hold it in maintenance.")
        writer.sample("hosthealth_host_serving", [:], report.host.inService ? 1 : 0)
        writer.family("hosthealth_host_capacity_ratio", .gauge, help: "Share of full traffic the host can take (1 ok, 0 drain).")
        writer.sample("hosthealth_host_capacity_ratio", [:], report.host.capacity)
        writer.family("hosthealth_host_state_since_timestamp_seconds", .gauge, help: "When the host entered its current state, in Unix seconds.")
        writer.sample("hosthealth_host_state_since_timestamp_seconds", [:], report.wallTime(report.host.since).secondsSinceEpoch.rounded(.down))

        MaintenanceExposition.render(report.host, into: &writer)
        FleetExposition.render(report, into: &writer)
        UnknownHoldExposition.render(report.host, into: &writer)

        writer.family("hosthealth_component_state", .gauge, help: "Component health state as a state set: 1 for the current state, 0 for the others.")
        for component in report.components {
            let kind = component.id.kind.rawValue
            let id = component.id.description
            for state in HealthState.allCases {
                writer.sample("hosthealth_component_state", ["kind": kind, "id": id, "state": state.rawValue], component.state == state ? 1 : 0)
            }
        }
        // Shown but not counted toward the host (the policy's ignore, an unlabelled board
        // monitor input): alerts on component states leave these out.
        let ignored = report.components.filter(\.ignored)
        if !ignored.isEmpty {
            writer.family("hosthealth_component_ignored", .gauge, help: "1 for a component that is shown but not counted in the host's state; absent for the others.")
            for component in ignored {
                writer.sample("hosthealth_component_ignored", ["kind": component.id.kind.rawValue, "id": component.id.description], 1)
            }
        }
        if let links = snapshot.links {
            LinkExposition.renderState(links, into: &writer)
        }
        if let arrays = snapshot.arrays {
            ArrayExposition.render(arrays, into: &writer)
        }
        DiskExposition.renderState(snapshot, report: report, into: &writer)
        if let memory = snapshot.memory { MemoryExposition.render(memory, into: &writer) }
        if let cpu = snapshot.cpu { CPUExposition.render(cpu, into: &writer) }
        PCIeExposition.render(snapshot, into: &writer)
        DriftExposition.render(report, into: &writer)
        return writer.bytes
    }

    /// The sensor families alone: the agent renders them once per reading and serves the same
    /// bytes to every scrape until the next one (they sit between the state and volatile parts).
    package static func renderSensors(_ sensors: [Sensor], format: ExpositionFormat) -> [UInt8] {
        var writer = MetricsWriter(format: format, reservingCapacity: 1024 + sensors.count * 1200)
        SensorExposition.render(sensors, into: &writer)
        return writer.bytes
    }

    /// Traffic counters, sensor readings and the readers' own health; ends the body. `now` is on the snapshot's
    /// clock; `wallClockOffset` turns it into Unix time (see `HealthReport`). `linkOrder` may
    /// be kept between scrapes while the set of links stays the same.
    package static func renderVolatile(
        snapshot: HostSnapshot, format: ExpositionFormat, now: Timestamp, wallClockOffset: Double = 0,
        linkOrder: LinkOrder? = nil, outputs: OutputStatus? = nil
    ) -> [UInt8] {
        let linkCount = snapshot.links?.count ?? 0
        var writer = MetricsWriter(format: format, reservingCapacity: 4096 + linkCount * 900)
        if let links = snapshot.links {
            LinkExposition.renderTraffic(links, order: linkOrder ?? LinkOrder(links), into: &writer)
        }
        if let sensors = snapshot.sensors {
            SensorExposition.render(sensors, into: &writer)
        }
        ReaderExposition.render(snapshot.readers, into: &writer, now: now, wallClockOffset: wallClockOffset)
        if let outputs { OutputExposition.render(outputs, into: &writer) }
        return writer.finish()
    }
}
