package import HostHealthModel
internal import HostHealthPolicy
internal import HostHealthConfig

/// The `hosthealth_link_*` families: identity, state and 64-bit counters per link.
enum LinkExposition {
    /// One per-link family: its name, help and how to read its value off a link.
    private struct Series: Sendable {
        let name: String
        let help: String
        let value: @Sendable (Link) -> UInt64?
    }

    private static let gauges: [Series] = [
        Series(name: "hosthealth_link_up", help: "1 when the link's operational state is up.") { $0.operState == .up ? 1 : 0 },
        Series(name: "hosthealth_link_admin_up", help: "1 when the link is administratively up (IFF_UP).") { $0.adminUp ? 1 : 0 },
        Series(name: "hosthealth_link_carrier", help: "1 when the link has carrier.") { $0.carrier.map { $0 ? 1 : 0 } },
        Series(name: "hosthealth_link_mtu_bytes", help: "MTU of the link in bytes.") { $0.mtu.map(UInt64.init) },
        Series(name: "hosthealth_link_speed_bytes_per_second", help: "Negotiated link speed in bytes per second, where the driver reports one.") {
            $0.speedMbps.map { UInt64($0) * 125_000 }
        },
    ]

    /// Counters that move only with a link event.
    private static let carrierCounters: [Series] = [
        Series(name: "hosthealth_link_carrier_changes_total", help: "Carrier changes since the link was created.") { $0.carrierChanges.map(UInt64.init) },
        Series(name: "hosthealth_link_carrier_up_changes_total", help: "Carrier gained since the link was created.") { $0.carrierUpCount.map(UInt64.init) },
        Series(name: "hosthealth_link_carrier_down_changes_total", help: "Carrier lost since the link was created.") { $0.carrierDownCount.map(UInt64.init) },
    ]

    /// Counters that move between any two scrapes.
    private static let trafficCounters: [Series] = [
        Series(name: "hosthealth_link_receive_bytes_total", help: "Bytes received.") { $0.statistics?.receiveBytes },
        Series(name: "hosthealth_link_transmit_bytes_total", help: "Bytes transmitted.") { $0.statistics?.transmitBytes },
        Series(name: "hosthealth_link_receive_packets_total", help: "Packets received.") { $0.statistics?.receivePackets },
        Series(name: "hosthealth_link_transmit_packets_total", help: "Packets transmitted.") { $0.statistics?.transmitPackets },
        Series(name: "hosthealth_link_receive_errors_total", help: "Receive errors.") { $0.statistics?.receiveErrors },
        Series(name: "hosthealth_link_transmit_errors_total", help: "Transmit errors.") { $0.statistics?.transmitErrors },
        Series(name: "hosthealth_link_receive_drops_total", help: "Received packets dropped.") { $0.statistics?.receiveDrops },
        Series(name: "hosthealth_link_transmit_drops_total", help: "Packets dropped on transmit.") { $0.statistics?.transmitDrops },
    ]

    static func renderState(_ links: [String: Link], into writer: inout MetricsWriter) {
        let (sorted, labelSets) = ordered(links)
        writer.family("hosthealth_link_info", .info, help: "Identity of a link; always 1.")
        for link in sorted {
            writer.sample("hosthealth_link_info", [
                "link": link.name, "ifindex": String(link.index), "kind": link.kind,
                "operstate": link.operState.rawValue, "address": link.address ?? "",
                "permanent_address": link.permanentAddress ?? "", "duplex": link.duplex?.rawValue ?? "",
            ], 1)
        }
        write(gauges, .gauge, sorted, labelSets, into: &writer)
        write(carrierCounters, .counter, sorted, labelSets, into: &writer)
    }

    static func renderTraffic(_ links: [String: Link], order: LinkOrder, into writer: inout MetricsWriter) {
        // Links that came or went since `order` was made are left to the next scrape.
        var present: [Link] = []
        var labelSets: [[UInt8]] = []
        present.reserveCapacity(order.names.count)
        labelSets.reserveCapacity(order.names.count)
        for (name, labels) in zip(order.names, order.labelSets) {
            guard let link = links[name] else { continue }
            present.append(link)
            labelSets.append(labels)
        }
        write(trafficCounters, .counter, present, labelSets, into: &writer)
    }

    private static func ordered(_ links: [String: Link]) -> ([Link], [[UInt8]]) {
        let order = LinkOrder(links)
        return (order.names.compactMap { links[$0] }, order.labelSets)
    }

    private static func write(
        _ metrics: [Series], _ type: MetricType, _ links: [Link], _ labelSets: [[UInt8]], into writer: inout MetricsWriter
    ) {
        for metric in metrics {
            writer.family(metric.name, type, help: metric.help)
            for (index, link) in links.enumerated() {
                guard let value = metric.value(link) else { continue }
                writer.sample(metric.name, encodedLabels: labelSets[index], value)
            }
        }
    }
}

/// Links sorted by name with their encoded `{link="…"}` label sets: made once per change of
/// the link set, not at every scrape.
package struct LinkOrder: Sendable {
    let names: [String]
    let labelSets: [[UInt8]]

    package init(_ links: [String: Link]) {
        names = links.keys.sorted()
        labelSets = names.map { MetricsWriter.labelSet(["link": $0]) }
    }
}
