import HostHealthModel
import TestFixtures
import Testing

@Suite("Link fold: dumps, events by ifindex, counters")
struct LinkFoldTests {
    let t0 = FoldFixtures.t0

    @Test func dumpReplacesEveryLinkAndCountsAResync() {
        var fold = FoldFixtures.fold(.links)
        fold.apply(FoldFixtures.dump(Fixture.link("eth0"), Fixture.link("eth1", index: 3)), at: t0)
        #expect(fold.apply(FoldFixtures.dump(Fixture.link("eth1", index: 3)), at: t0 + 60) == .data)
        #expect(fold.links.keys.sorted() == ["eth1"])
        #expect(fold.readers[.links]?.resyncs == 2)
        #expect(fold.readers[.links]?.lastSuccess == t0 + 60)
        #expect(fold.readers[.links]?.lastDurationSeconds == 0.01)
    }

    @Test func renameByIfindexDropsTheOldName() {
        var fold = FoldFixtures.fold(.links)
        fold.apply(FoldFixtures.dump(Fixture.link("eth0", index: 2)), at: t0)
        fold.apply(FoldFixtures.changes(.link(Fixture.link("uplink0", index: 2))), at: t0 + 1)
        #expect(fold.links.keys.sorted() == ["uplink0"])
        #expect(fold.readers[.links]?.events == 1)
    }

    @Test func removalGoesByIfindexNotByTheNameInTheMessage() {
        var fold = FoldFixtures.fold(.links)
        fold.apply(FoldFixtures.dump(Fixture.link("eth0", index: 2), Fixture.link("veth9", index: 9)), at: t0)
        fold.apply(FoldFixtures.changes(.removed(index: 9, name: "renamed")), at: t0 + 1)
        #expect(fold.links.keys.sorted() == ["eth0"])
    }

    @Test func countersAreCountersOnlyAndAreNotASuccess() {
        var fold = FoldFixtures.fold(.links)
        fold.apply(FoldFixtures.dump(Fixture.link("eth0", index: 2)), at: t0)
        let statistics = LinkStatistics(receiveBytes: 42)
        let update = LinkUpdate(scope: .statistics, messages: [.statistics(index: 2, statistics)], skipped: [:], events: 0)
        #expect(fold.apply(update, at: t0 + 5) == .counters)
        #expect(fold.links["eth0"]?.statistics == statistics)
        #expect(fold.readers[.links]?.lastSuccess == t0)
    }

    @Test func failedDumpCountsAnErrorAndIsNoSuccess() {
        var fold = FoldFixtures.fold(.links)
        let failed = LinkUpdate(scope: .all, messages: [], skipped: ["dump_failed": 1], events: 0)
        fold.apply(failed, at: t0)
        #expect(fold.readers[.links]?.errors == 1)
        #expect(fold.readers[.links]?.lastSuccess == nil)
        #expect(fold.readers[.links]?.skipped == ["dump_failed": 1])
    }
}
