import HostHealthModel
import Testing

@Suite("PCIe fold")
struct PCIeFoldTests {
    let t0 = FoldFixtures.t0

    func update(_ addresses: String..., cause: String = "poll", correctable: UInt64 = 0) -> PCIeUpdate {
        PCIeUpdate(devices: Dictionary(uniqueKeysWithValues: addresses.map { address in
            var device = PCIeDevice(address: address, name: "NVMe")
            device.aer = PCIeAERCounts(totals: PCIeAERTotals(correctable: correctable, nonFatal: 0, fatal: 0))
            return (address, device)
        }), cause: cause, events: cause == "uevent" ? 1 : 0)
    }

    @Test func deviceSetReplacesTheDevices() {
        var fold = FoldFixtures.fold(.pcie)
        #expect(fold.apply(update("0000:3b:00.0", "0000:5e:00.0", cause: "start"), at: t0) == .data)
        #expect(fold.apply(update("0000:3b:00.0", cause: "uevent"), at: t0 + 1) == .data)
        #expect(fold.pcieDevices.keys.sorted() == ["0000:3b:00.0"])
        #expect(fold.readers[.pcie]?.resyncs == 1)
        #expect(fold.readers[.pcie]?.events == 1)
        #expect(fold.snapshot.pcie?.count == 1)
    }

    @Test func pollThatFindsNothingNewIsOnlyStatus() {
        var fold = FoldFixtures.fold(.pcie)
        fold.apply(update("0000:3b:00.0", cause: "start"), at: t0)
        #expect(fold.apply(update("0000:3b:00.0"), at: t0 + 10) == .status)
        #expect(fold.readers[.pcie]?.lastSuccess == t0 + 10)
        #expect(fold.apply(update("0000:3b:00.0", correctable: 1), at: t0 + 20) == .data)
    }

    @Test func offCollectorShowsNoDevices() {
        var fold = FoldFixtures.fold(.disks)
        #expect(fold.apply(update("0000:3b:00.0"), at: t0) == .nothing)
        #expect(fold.snapshot.pcie == nil)
    }
}

@Suite("PCIe kernel-log fold")
struct PCIeLogFoldTests {
    @Test func reportsCountByDeviceAndSeverity() {
        var fold = FoldFixtures.fold(.kmsg)
        let update = KernelLogUpdate(events: [
            PCIeLogEvent(device: "0000:3b:00.0", severity: .correctable),
            PCIeLogEvent(device: "0000:3b:00.0", severity: .correctable),
            PCIeLogEvent(device: "0000:3b:00.0", severity: .fatal),
        ], records: 5)
        #expect(fold.apply(update, at: FoldFixtures.t0) == .data)
        #expect(fold.snapshot.pcieLogged == ["0000:3b:00.0": [.correctable: 2, .fatal: 1]])
    }

    @Test func floodOfAddressesIsBounded() {
        var fold = FoldFixtures.fold(.kmsg)
        let events = (0..<300).map { PCIeLogEvent(device: "device \($0)", severity: .correctable) as any KernelLogEvent }
        fold.apply(KernelLogUpdate(events: events, records: 300), at: FoldFixtures.t0)
        #expect(fold.pcieLogged.count == PCIeLogEvent.maxDevices)
    }
}
