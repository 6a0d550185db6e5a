import HostHealthModel
import Testing

@Suite("Array fold: a full read or the arrays a uevent named")
struct ArrayFoldTests {
    let t0 = FoldFixtures.t0

    @Test func fullReadReplacesEveryArraySortedByName() {
        var fold = FoldFixtures.fold(.arrays)
        fold.apply(ArrayUpdate(scope: .all, arrays: [MDArray(name: "md10"), MDArray(name: "md2")], cause: "start"), at: t0)
        #expect(fold.arrays.map(\.name) == ["md2", "md10"])
        fold.apply(ArrayUpdate(scope: .all, arrays: [MDArray(name: "md2")], cause: "overflow"), at: t0 + 1)
        #expect(fold.arrays.map(\.name) == ["md2"])
        #expect(fold.readers[.arrays]?.resyncs == 2)
    }

    @Test func changesReplaceAndRemoveOnlyTheNamedArrays() {
        var fold = FoldFixtures.fold(.arrays)
        fold.apply(ArrayUpdate(scope: .all, arrays: [MDArray(name: "md0"), MDArray(name: "md1")], cause: "start"), at: t0)
        let update = ArrayUpdate(scope: .changes, arrays: [MDArray(name: "md0", degraded: 1)], removed: ["md1"], events: 2, cause: "uevent")
        #expect(fold.apply(update, at: t0 + 1) == .data)
        #expect(fold.arrays == [MDArray(name: "md0", degraded: 1)])
        #expect(fold.readers[.arrays]?.events == 2)
    }

    @Test func rereadThatFindsNothingNewIsNewsOnlyForStaleness() {
        var fold = FoldFixtures.fold(.arrays)
        fold.apply(ArrayUpdate(scope: .all, arrays: [MDArray(name: "md0")], cause: "start"), at: t0)
        #expect(fold.apply(ArrayUpdate(scope: .changes, arrays: [MDArray(name: "md0")], cause: "resync"), at: t0 + 10) == .status)
        #expect(fold.readers[.arrays]?.lastSuccess == t0 + 10)
    }
}
