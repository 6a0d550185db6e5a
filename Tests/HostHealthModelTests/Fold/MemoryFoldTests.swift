import HostHealthModel
import Testing

@Suite("Memory fold: EDAC reads and kernel-log errors")
struct MemoryFoldTests {
    let t0 = Timestamp(secondsSinceEpoch: 100)

    func controllers() -> [MemoryController] {
        [MemoryController(index: 0, dimms: [
            MemoryModule(controller: 0, entries: ["dimm0"], layout: .dimm, label: "DIMM_A1", location: [MemoryLocation("channel", 0), MemoryLocation("slot", 0)]),
            MemoryModule(controller: 0, entries: ["dimm1"], layout: .dimm, label: "DIMM_A2", location: [MemoryLocation("channel", 0), MemoryLocation("slot", 1)]),
        ])]
    }

    @Test func aReadIsDataOnlyWhenItChangedAndNoTreeIsNotAnError() {
        var fold = SnapshotFold(collectors: [.memory])
        #expect(fold.apply(MemoryUpdate(controllers: controllers()), at: t0) == .data)
        #expect(fold.apply(MemoryUpdate(controllers: controllers()), at: t0 + 10) == .status)
        #expect(fold.readers[.memory]?.lastSuccess == t0 + 10)
        #expect(fold.apply(MemoryUpdate(controllers: [], unavailable: "no EDAC tree"), at: t0 + 20) == .data)
        #expect(fold.readers[.memory]?.unavailable == "no EDAC tree" && fold.readers[.memory]?.errors == 0)
        #expect(fold.snapshot.memory?.controllers == [])
        #expect(fold.apply(MemoryUpdate(controllers: nil, error: "EIO"), at: t0 + 30) == .status)
        #expect(fold.readers[.memory]?.errors == 1 && fold.readers[.memory]?.lastSuccess == t0 + 20)
    }

    @Test func kernelLogErrorsAreAttributedByLabelLocationOrToTheController() {
        var fold = SnapshotFold(collectors: [.memory, .kmsg])
        fold.apply(MemoryUpdate(controllers: controllers()), at: t0)
        let update = KernelLogUpdate(events: [
            MemoryErrorEvent(controller: 0, type: .corrected, count: 2, labels: ["DIMM_A2"]),
            MemoryErrorEvent(controller: 0, type: .uncorrected, count: 1, location: [MemoryLocation("channel", 0), MemoryLocation("slot", 0)]),
            MemoryErrorEvent(controller: 0, type: .corrected, count: 1, location: [MemoryLocation("channel", 0)]),
            MemoryErrorEvent(controller: 0, type: .corrected, count: 1, labels: ["DIMM_A1", "DIMM_A2"]),
        ], records: 4)
        #expect(fold.apply(update, at: t0 + 1) == .data)
        let errors = fold.snapshot.memory?.kernelErrors
        #expect(errors?.count("DIMM_A2", .corrected) == 2)
        #expect(errors?.count("DIMM_A1", .uncorrected) == 1)
        #expect(errors?.count("mc0", .corrected) == 2, "a location two modules share, and two labels, are the controller's")
    }

    @Test func memoryEventsWithTheMemoryCollectorOffAreCountersOnly() {
        var fold = SnapshotFold(collectors: [.kmsg])
        #expect(fold.apply(KernelLogUpdate(events: [MemoryErrorEvent(controller: 0, type: .corrected, count: 1)], records: 1), at: t0) == .counters)
        #expect(fold.snapshot.memory == nil)
    }
}
