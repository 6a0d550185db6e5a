import TestFixtures
import HostHealthModel
import HostHealthPolicy
import Testing

/// PCIe functions as declared items: the ids and the link a card trained at, judged against
/// what is there now.
@Suite("PCIe devices in the baseline: ids and trained link")
struct PCIeDriftTests {
    let t0 = Fixture.t0

    func device(_ address: String, classCode: UInt32, gts: Double, width: Int, virtualFunction: Bool = false) -> PCIeDevice {
        var device = PCIeDevice(
            address: address, name: "\(address) test",
            link: PCIeLinkState(current: .init(transfersPerSecond: gts * 1e9, width: width), max: .init(transfersPerSecond: 16e9, width: 16)))
        device.vendorID = 0x15b3
        device.deviceID = 0x101b
        device.classCode = classCode
        device.isVirtualFunction = virtualFunction
        return device
    }

    func observed(_ devices: [PCIeDevice]) -> [ObservedItem] {
        var snapshot = HostSnapshot()
        snapshot.pcie = Dictionary(uniqueKeysWithValues: devices.map { ($0.address, $0) })
        return PCIeDeviceDrift().observe(snapshot)!.sorted { $0.item.id < $1.item.id }
    }

    func judge(_ declared: [ObservedItem], _ now: [ObservedItem]) -> DriftReport {
        DriftPolicy(baseline: Baseline(items: declared.filter(\.declarable).map(\.item))).evaluate(
            observed: [.pcieDevice: now], unobserved: [:], rebuilds: [:], memory: DriftMemory(), now: t0).report
    }

    @Test func aNICRecordsItsIdsAndTrainedLinkAndBridgesAndVFsAreNotDeclarable() {
        let items = observed([
            device("0000:3b:00.0", classCode: 0x020000, gts: 16, width: 16),
            device("0000:00:01.0", classCode: 0x060400, gts: 16, width: 16),
            device("0000:3b:00.2", classCode: 0x020000, gts: 16, width: 16, virtualFunction: true),
        ])
        let nic = items.first { $0.item.id == "0000:3b:00.0" }!
        #expect(nic.item.attributes == ["ids": "15b3:101b", "link_speed": "16.0 GT/s", "link_width": "16"])
        #expect(nic.unknown == ["serial"], "no serial unprivileged: not a change")
        #expect(nic.declarable)
        #expect(items.filter(\.declarable).count == 1, "the root port and the VF are not declared")
    }

    @Test func aNICThatCameBackAtX8WhereX16WasDeclaredIsChangedAndDegrades() {
        let declared = observed([device("0000:3b:00.0", classCode: 0x020000, gts: 16, width: 16)])
        let report = judge(declared, observed([device("0000:3b:00.0", classCode: 0x020000, gts: 16, width: 8)]))
        let item = report.items.first { $0.id == "0000:3b:00.0" }
        #expect(item?.status == .changed)
        #expect(item?.changes == [DriftChange(path: "link_width", from: "16", to: "8")])
        #expect(item?.effect == .degrade)
    }

    @Test func aLowerRateDegradesAndAHigherOneIsNoHarm() {
        let declared = observed([device("0000:5e:00.0", classCode: 0x010802, gts: 8, width: 4)])
        let slower = judge(declared, observed([device("0000:5e:00.0", classCode: 0x010802, gts: 2.5, width: 4)]))
        #expect(slower.items.first?.effect == .degrade)
        let faster = judge(declared, observed([device("0000:5e:00.0", classCode: 0x010802, gts: 16, width: 4)]))
        #expect(faster.items.first?.status == .changed)
        #expect(faster.items.first?.effect == .warn)
    }

    @Test func aGPUsRateFollowsItsLoadAndIsNeverCompared() {
        let declared = observed([device("0000:17:00.0", classCode: 0x030000, gts: 16, width: 16)])
        #expect(declared.first?.item.attributes["link_speed"] == nil)
        let idle = judge(declared, observed([device("0000:17:00.0", classCode: 0x030000, gts: 2.5, width: 16)]))
        #expect(idle.items.first?.status == .inSync)
    }

    @Test func aDeclaredCardThatIsGoneIsMissingAndDegrades() {
        let declared = observed([device("0000:3b:00.0", classCode: 0x020000, gts: 16, width: 16)])
        let report = judge(declared, [])
        #expect(report.items.first?.status == .missing)
        #expect(report.items.first?.effect == .degrade)
    }
}
