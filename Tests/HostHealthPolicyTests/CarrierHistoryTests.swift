import TestFixtures
import HostHealthPolicy
import HostHealthModel
import Testing

@Suite("CarrierHistory: carrier changes within the flap window")
struct CarrierHistoryTests {
    let t0 = Fixture.t0
    let window = 300.0

    @Test func emptyHistoryCountsNoChanges() {
        #expect(CarrierHistory().changesInWindow == 0)
    }

    @Test func firstSampleIsOnlyABaseline() {
        var history = CarrierHistory()
        history.record(10, at: t0, window: window)
        #expect(history.changesInWindow == 0)
    }

    @Test func changesAreCountedFromTheBaseline() {
        var history = CarrierHistory()
        history.record(10, at: t0, window: window)
        history.record(13, at: t0 + 30, window: window)
        #expect(history.changesInWindow == 3)
    }

    @Test func unchangedCounterAddsNoSample() {
        var history = CarrierHistory()
        history.record(10, at: t0, window: window)
        history.record(10, at: t0 + 30, window: window)
        #expect(history.samples.count == 1)
    }

    @Test func changesOlderThanTheWindowAreForgotten() {
        var history = CarrierHistory()
        history.record(10, at: t0, window: window)
        history.record(14, at: t0 + 60, window: window)
        history.record(14, at: t0 + 400, window: window)
        #expect(history.changesInWindow == 0)
    }

    @Test func newestSampleAtOrBeforeWindowStartIsKeptAsBaseline() {
        var history = CarrierHistory()
        history.record(10, at: t0, window: window)
        history.record(12, at: t0 + 100, window: window)
        history.record(15, at: t0 + 200, window: window)
        // Window start is t0 + 120: the sample at t0 + 100 is the baseline, t0's is dropped.
        history.record(15, at: t0 + 420, window: window)
        #expect(history.samples.first?.at == t0 + 100)
        #expect(history.changesInWindow == 3)
    }

    @Test func sampleExactlyAtWindowStartBecomesTheBaseline() {
        var history = CarrierHistory()
        history.record(10, at: t0, window: window)
        history.record(12, at: t0 + 100, window: window)
        history.record(12, at: t0 + 400, window: window)
        #expect(history.samples.first?.at == t0 + 100)
    }

    @Test func counterThatWentBackwardsCountsFromZero() {
        var history = CarrierHistory()
        history.record(100, at: t0, window: window)
        history.record(3, at: t0 + 10, window: window)
        #expect(history.changesInWindow == 3)
    }

    @Test func counterResetBetweenSamplesStillCountsFromZero() {
        // 5 → 2 is a driver reset (counts from zero: 2), then 2 → 6 is 4 more: 6 in the window.
        var history = CarrierHistory()
        history.record(5, at: t0, window: window)
        history.record(2, at: t0 + 10, window: window)
        history.record(6, at: t0 + 20, window: window)
        #expect(history.changesInWindow == 6)
    }
}
