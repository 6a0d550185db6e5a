import TestFixtures
import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
import HostHealthExposition
import Testing

@Suite("Metrics exposition: the hosthealth_pcie_* families")
struct PCIeExpositionTests {
    static var snapshot: HostSnapshot {
        var nic = PCIeDevice(address: "0000:3b:00.0", name: "Mellanox ConnectX-6", link: PCIeLinkState(
            current: .init(transfersPerSecond: 8e9, width: 8), max: .init(transfersPerSecond: 16e9, width: 16)))
        nic.vendorID = 0x15b3
        nic.deviceID = 0x101b
        nic.classCode = 0x020000
        nic.upstream = "0000:3a:00.0"
        nic.upstreamMax = .init(transfersPerSecond: 16e9, width: 8)
        nic.serialNumber = "00-02-c9-03-00-4a-5b-6c"
        nic.aer = PCIeAERCounts(totals: PCIeAERTotals(correctable: 3, nonFatal: 0, fatal: 0))
        var port = PCIeDevice(address: "0000:00:1c.0", name: "Intel PCI bridge")
        port.classCode = 0x060400
        port.rootPortErrors = PCIeAERTotals(correctable: 4, nonFatal: 0, fatal: 0)
        var snapshot = HostSnapshot()
        snapshot.pcie = [nic.address: nic, port.address: port]
        snapshot.pcieLogged = ["0000:3b:00.0": [.correctable: 2]]
        return snapshot
    }

    var lines: [Substring] {
        let report = HealthPolicy(config: AgentConfig()).evaluate(previous: HealthMemory(), snapshot: Self.snapshot, now: Fixture.t0).report
        let body = MetricsExposition.renderState(report: report, snapshot: Self.snapshot, agent: AgentInfo(version: "test"), format: .text)
        return String(decoding: body, as: UTF8.self).split(separator: "\n")
    }

    @Test func infoCarriesIdentity() {
        #expect(lines.contains(#"hosthealth_pcie_device_info{device="0000:3b:00.0",name="Mellanox ConnectX-6",class="0x020000",vendor_id="15b3",device_id="101b",subsystem_vendor_id="",subsystem_device_id="",serial="00-02-c9-03-00-4a-5b-6c",upstream="0000:3a:00.0"} 1"#))
    }

    @Test func aerCountersAreCountersBySeverity() {
        #expect(lines.contains("# TYPE hosthealth_pcie_aer_errors_total counter"))
        #expect(lines.contains(#"hosthealth_pcie_aer_errors_total{device="0000:3b:00.0",severity="correctable"} 3"#))
        #expect(lines.contains(#"hosthealth_pcie_aer_errors_total{device="0000:3b:00.0",severity="nonfatal"} 0"#))
        #expect(lines.contains(#"hosthealth_pcie_aer_errors_total{device="0000:3b:00.0",severity="fatal"} 0"#))
        #expect(!lines.contains { $0.hasPrefix(#"hosthealth_pcie_aer_errors_total{device="0000:00:1c.0""#) })
        #expect(lines.contains(#"hosthealth_pcie_aer_rootport_errors_total{device="0000:00:1c.0",severity="correctable"} 4"#))
        #expect(lines.contains(#"hosthealth_pcie_kernel_log_aer_errors_total{device="0000:3b:00.0",severity="correctable"} 2"#))
    }

    @Test func linkInBaseUnitsWithWhatTheSlotAllows() {
        #expect(lines.contains(#"hosthealth_pcie_link_speed_transfers_per_second{device="0000:3b:00.0"} 8000000000"#))
        #expect(lines.contains(#"hosthealth_pcie_link_max_speed_transfers_per_second{device="0000:3b:00.0"} 16000000000"#))
        #expect(lines.contains(#"hosthealth_pcie_link_width_lanes{device="0000:3b:00.0"} 8"#))
        #expect(lines.contains(#"hosthealth_pcie_link_max_width_lanes{device="0000:3b:00.0"} 16"#))
        #expect(lines.contains(#"hosthealth_pcie_link_capable_width_lanes{device="0000:3b:00.0"} 8"#))
        // The bridge reports no link: no series for it.
        #expect(!lines.contains { $0.hasPrefix(#"hosthealth_pcie_link_width_lanes{device="0000:00:1c.0""#) })
    }

    @Test func detailsShowLinkAndCounters() {
        let details = PCIeExposition.details(Self.snapshot)
        #expect(details[ComponentID(kind: .pcie, key: "0000:3b:00.0")] == "[15b3:101b]; PCIe 8.0 GT/s x8 of 16.0 GT/s x8; AER 3 correctable, 0 non-fatal, 0 fatal; serial 00-02-c9-03-00-4a-5b-6c")
    }
}
