import HostHealthExposition
import HostHealthModel
import HostHealthPolicy
import Testing

@Suite("EventWindow: errors over a sliding window, each counted once")
struct EventWindowTests {
    let t0 = Timestamp(secondsSinceEpoch: 10_000)
    let day = 86_400.0

    @Test func counterRisesAreErrorsAndLeaveTheWindowOnTime() {
        var window = EventWindow()
        window.observe(counter: 0, at: t0)
        window.observe(counter: 3, at: t0 + 60)
        window.observe(counter: 3, at: t0 + 120)
        window.observe(counter: 5, at: t0 + 3600)
        #expect(window.count(window: day, at: t0 + 3600) == 5)
        #expect(window.nextDecrease(window: day) == t0 + 60 + day)
        #expect(window.count(window: day, at: t0 + 60 + day) == 2)
        window.expire(window: day, at: t0 + 60 + day)
        #expect(window.buckets == [EventWindow.Bucket(at: t0 + 3600, count: 2)])
        #expect(window.total == 5)
    }

    @Test func aCounterThatGoesBackwardsWasResetAndCountsFromZero() {
        var window = EventWindow()
        window.observe(counter: 10, at: t0, firstSightShare: 0)
        window.observe(counter: 2, at: t0 + 10)
        #expect(window.count(window: day, at: t0 + 10) == 2)
    }

    @Test func logEventsCountAtOnceAndTheCounterConfirmsThemWithoutCountingAgain() {
        var window = EventWindow()
        window.observe(counter: 4, at: t0, firstSightShare: 0)
        window.observe(eventsSinceStart: 1, at: t0 + 1)
        #expect(window.count(window: day, at: t0 + 1) == 1)
        #expect(window.unconfirmed == 1)
        window.observe(counter: 5, at: t0 + 10)  // the poll shows the same error
        #expect(window.count(window: day, at: t0 + 10) == 1)
        #expect(window.unconfirmed == 0)
        window.observe(counter: 7, at: t0 + 20)  // two the log did not name
        #expect(window.count(window: day, at: t0 + 20) == 3)
    }

    @Test func logEventsTheCounterNeverShowsStayCountedAndStopAbsorbingItsRises() {
        var window = EventWindow()
        window.observe(counter: 0, at: t0)
        window.observe(eventsSinceStart: 2, at: t0 + 1)
        window.expire(window: day, at: t0 + 100, confirmWithin: 60)
        #expect(window.unconfirmed == 0)
        window.observe(counter: 1, at: t0 + 110)
        #expect(window.count(window: day, at: t0 + 110) == 3)
        #expect(window.unconfirmedExpiry(confirmWithin: 60) == nil)
    }

    @Test func firstSightTakesTheShareOfTheUptimeThatFitsTheWindow() {
        #expect(EventWindow.recentShare(uptime: 3600, window: day) == 1)
        #expect(EventWindow.recentShare(uptime: 4 * day, window: day) == 0.25)
        var window = EventWindow()
        window.observe(counter: 100, at: t0, firstSightShare: EventWindow.recentShare(uptime: 4 * day, window: day))
        #expect(window.count(window: day, at: t0) == 25)
        var logFirst = EventWindow()
        logFirst.observe(eventsSinceStart: 3, at: t0)
        logFirst.observe(counter: 10, at: t0 + 1)
        #expect(logFirst.count(window: day, at: t0 + 1) == 10, "what the log counted is part of the counter's value")
    }

    @Test func aRestartedAgentsLogCountStartsFromZero() {
        var window = EventWindow()
        window.observe(eventsSinceStart: 5, at: t0)
        window.observe(eventsSinceStart: 1, at: t0 + 10)
        #expect(window.count(window: day, at: t0 + 10) == 6)
    }

    @Test func bucketsAreBoundedAndKeepTheirCount() {
        var window = EventWindow()
        window.observe(counter: 0, at: t0)
        for step in 1...(EventWindow.maxBuckets + 10) {
            window.observe(counter: UInt64(step), at: t0 + Double(step))
        }
        #expect(window.buckets.count == EventWindow.maxBuckets)
        #expect(window.count(window: day, at: t0 + 1000) == UInt64(EventWindow.maxBuckets + 10))
    }

    @Test func carriedOverARestartTheCounterBaselineStaysAndTheLogCountResets() {
        var window = EventWindow()
        window.observe(counter: 7, at: t0, firstSightShare: 0)
        window.observe(eventsSinceStart: 2, at: t0 + 1)
        let restarted = window.carriedOver(rebooted: false, shift: 0, now: t0 + 30)
        #expect(restarted.counter == 7 && restarted.eventsSeen == 0 && restarted.unconfirmed == 2)
        var next = restarted
        next.observe(counter: 12, at: t0 + 31)  // two confirmed, three while the agent was down
        #expect(next.count(window: day, at: t0 + 31) == 5)
    }

    @Test func carriedOverARebootItCountsTheNewBootFromZeroAndKeepsItsHistoryOnTheWallClock() {
        var window = EventWindow()
        window.observe(counter: 0, at: t0)
        window.observe(counter: 40, at: t0 + 100)
        // Saved at boot-clock t0+200 = wall 1e9+200; the new boot started 1000 s later on the wall.
        let rebooted = window.carriedOver(rebooted: true, shift: (1e9 - 10_000) - (1e9 + 1000 + 10_300 - 50), now: Timestamp(secondsSinceEpoch: 50))
        #expect(rebooted.counter == 0)
        #expect(rebooted.count(window: day, at: Timestamp(secondsSinceEpoch: 50)) == 40)
        #expect(rebooted.buckets.allSatisfy { $0.at <= Timestamp(secondsSinceEpoch: 50) })
        var next = rebooted
        next.observe(counter: 3, at: Timestamp(secondsSinceEpoch: 60))
        #expect(next.count(window: day, at: Timestamp(secondsSinceEpoch: 60)) == 43)
    }
}

@Suite("EventWindowsRecord: the error windows in the state directory")
struct EventWindowsRecordTests {
    let t0 = Timestamp(secondsSinceEpoch: 5_000.25)

    func sample() -> EventWindows {
        var window = EventWindow()
        window.observe(counter: 2, at: t0)
        window.observe(eventsSinceStart: 1, at: t0 + 0.5)
        return ["memory:DIMM_A1/corrected": window, "memory:DIMM_B2/uncorrected": EventWindow(buckets: [], counter: nil)]
    }

    @Test func aRecordReadsBackAsWritten() throws {
        let record = EventWindowsRecord(bootID: "b1", savedAt: t0, savedAtWall: Timestamp(secondsSinceEpoch: 1_795_816_440.5), windows: sample())
        let read = try #require(EventWindowsRecord(json: record.json()))
        #expect(read == record)
    }

    @Test func driftDeadlinesTravelWithTheWindows() throws {
        let record = EventWindowsRecord(
            bootID: "b1", savedAt: t0, savedAtWall: Timestamp(secondsSinceEpoch: 1e9), windows: sample(),
            driftSince: ["disk:wwn-5000c500b2": t0 + -3_600])
        let read = try #require(EventWindowsRecord(json: record.json()))
        #expect(read == record)
        // The same boot: the same instant on the same clock.
        #expect(read.restoredDriftSince(bootID: "b1", now: t0 + 5, wall: Timestamp(secondsSinceEpoch: 1e9 + 5)) == ["disk:wwn-5000c500b2": t0 + -3_600])
        // A reboot: 3,600 s before the save by the wall clock, 100 s after it now.
        let rebooted = read.restoredDriftSince(bootID: "b2", now: Timestamp(secondsSinceEpoch: 30), wall: Timestamp(secondsSinceEpoch: 1e9 + 100))
        #expect(rebooted == ["disk:wwn-5000c500b2": Timestamp(secondsSinceEpoch: 30 - 3_700)])
        // A file of an agent before drift_since reads as none; a damaged one is refused whole.
        let old = Array(#"{"v":1,"saved_boot":1,"saved_wall":2,"windows":{}}"#.utf8)
        #expect(EventWindowsRecord(json: old)?.driftSince == [:])
        #expect(EventWindowsRecord(json: Array(#"{"v":1,"saved_boot":1,"saved_wall":2,"windows":{},"drift_since":{"x":"y"}}"#.utf8)) == nil)
    }

    @Test func damagedRecordsAreRefusedWhole() {
        #expect(EventWindowsRecord(json: Array("{\"v\":1,\"saved_boot\":1,\"saved_wall\":2,\"windows\":{\"x\":{\"buckets\":[[1,\"two\"]]}}}".utf8)) == nil)
        #expect(EventWindowsRecord(json: Array("{\"v\":2}".utf8)) == nil)
        #expect(EventWindowsRecord(json: Array("not json".utf8)) == nil)
        #expect(EventWindowsRecord(json: []) == nil)
    }

    @Test func restoredOnTheSameBootOrAnother() throws {
        let record = EventWindowsRecord(bootID: "b1", savedAt: t0, savedAtWall: Timestamp(secondsSinceEpoch: 1e9), windows: sample())
        let same = record.restored(bootID: "b1", now: t0 + 5, wall: Timestamp(secondsSinceEpoch: 1e9 + 5))
        #expect(same["memory:DIMM_A1/corrected"]?.counter == 2)
        #expect(same["memory:DIMM_A1/corrected"]?.eventsSeen == 0)
        let other = record.restored(bootID: "b2", now: Timestamp(secondsSinceEpoch: 30), wall: Timestamp(secondsSinceEpoch: 1e9 + 100))
        let window = try #require(other["memory:DIMM_A1/corrected"])
        #expect(window.counter == 0)
        // Counted 70 s (wall) before the reboot's now, so 70 s before now on the new clock.
        #expect(window.buckets.map(\.at) == [Timestamp(secondsSinceEpoch: -70), Timestamp(secondsSinceEpoch: -69.5)])
        // Without boot ids, a clock behind the save means a reboot.
        let unknown = record.restored(bootID: nil, now: Timestamp(secondsSinceEpoch: 30), wall: Timestamp(secondsSinceEpoch: 1e9 + 100))
        #expect(unknown["memory:DIMM_A1/corrected"]?.counter == 0)
    }
}
