import HostHealthModel
import TestFixtures
import Testing

@Suite("SnapshotFold: one door for every reader's update, one for every failure")
struct SnapshotFoldTests {
    let t0 = FoldFixtures.t0

    @Test func updateOfACollectorThatIsOffChangesNothing() {
        var fold = FoldFixtures.fold(.arrays)
        #expect(fold.apply(FoldFixtures.dump(Fixture.link("eth0")), at: t0) == .nothing)
        #expect(fold.snapshot.links == nil)
        #expect(fold.snapshot.readers.map(\.name) == ["arrays"])
    }

    @Test func snapshotHoldsOnlyEnabledDomainsWithTheirReadersInTheirOrder() {
        let fold = SnapshotFold(collectors: Set(Collector.allCases))
        let snapshot = fold.snapshot
        #expect(snapshot.readers.map(\.name) == ["links", "arrays", "sensors", "disks", "smart", "kmsg", "memory", "cpu", "pcie"])
        #expect(snapshot.memory == MemorySnapshot() && snapshot.cpu == CPUSnapshot())
        #expect(snapshot.links == [:] && snapshot.arrays == [] && snapshot.sensors == [] && snapshot.disks == [:])
        #expect(snapshot.smart == [:] && snapshot.kernelDiskErrors == KernelDiskErrors())
        #expect(FoldFixtures.fold().snapshot == HostSnapshot())
    }

    @Test func readerFailedCountsTheErrorAndKeepsTheData() {
        var fold = FoldFixtures.fold(.links, .kmsg)
        fold.apply(FoldFixtures.dump(Fixture.link("eth0")), at: t0)
        #expect(fold.readerFailed(.links, "no netlink socket") == .status)
        #expect(fold.readerFailed(.kmsg, "cannot open /dev/kmsg") == .status)
        let links = fold.readers[.links]
        #expect(links?.errors == 1 && links?.lastError == "no netlink socket" && links?.lastSuccess == t0)
        #expect(fold.links.keys.sorted() == ["eth0"])
        #expect(fold.readers[.kmsg]?.errors == 1 && fold.readers[.kmsg]?.lastError == "cannot open /dev/kmsg")
    }

    @Test func readerFailedOfACollectorThatIsOffChangesNothing() {
        var fold = FoldFixtures.fold(.links)
        #expect(fold.readerFailed(.disks, "no udev") == .nothing)
        #expect(fold.readers[.disks] == nil)
    }

    @Test func generationGrowsOnlyWithTheDomainsData() {
        var fold = FoldFixtures.fold(.links, .arrays)
        let array = MDArray(name: "md0")
        fold.apply(ArrayUpdate(scope: .all, arrays: [array], cause: "start"), at: t0)
        let afterFirst = fold.generation(of: [.arrays])
        #expect(fold.apply(ArrayUpdate(scope: .all, arrays: [array], cause: "resync"), at: t0 + 10) == .status)
        #expect(fold.generation(of: [.arrays]) == afterFirst)
        fold.apply(FoldFixtures.dump(Fixture.link("eth0")), at: t0)
        #expect(fold.generation(of: [.arrays]) == afterFirst)
        #expect(fold.generation(of: [.links, .arrays]) == afterFirst + 1)
    }
}
