@testable import HostHealthAgent
import HostHealthModel
import Testing

/// When the fleet service talks to etcd.
@Suite struct FleetScheduleTests {
    let start = Timestamp(secondsSinceEpoch: 1_000)

    @Test func aDeniedHostRetryingEverySecondStillRenewsItsLease() {
        // The bug this guards: every look pushed the keep-alive back, and a 6 s lease ran out
        // while a denied host asked again and again.
        var schedule = FleetSchedule(now: start, leaseTTL: 6)
        var lastRenew = start
        var longest = 0.0
        for tick in 1...240 {  // 60 s in the service's 250 ms wakes
            let now = start + Double(tick) * 0.25
            if schedule.renewDue(now: now) {
                longest = max(longest, now - lastRenew)
                lastRenew = now
            }
            if schedule.settleDue(now: now) { schedule.retryLater(now: now, spread: 0.5) }
        }
        #expect(longest <= 2.25, "keep-alives at a third of 6 s, within one wake")
        #expect(start + 60 - lastRenew <= 2.25)
    }

    @Test func theFirstLookIsAtOnceAndTheFirstKeepAliveAPeriodLater() {
        var schedule = FleetSchedule(now: start, leaseTTL: 30)
        #expect(schedule.settleDue(now: start))
        let early = schedule.renewDue(now: start + 9.9)
        let onTime = schedule.renewDue(now: start + 10)
        let again = schedule.renewDue(now: start + 10.1)
        #expect(!early)
        #expect(onTime)
        #expect(!again, "taken until the next period")
    }

    @Test func retriesBackOffToTenSecondsAndAnAnswerStopsThem() {
        var schedule = FleetSchedule(now: start, leaseTTL: 30)
        var waits: [Double] = []
        var now = start
        for _ in 0..<6 {
            schedule.retryLater(now: now, spread: 1)
            let at = schedule.settleAt!
            waits.append(at - now)
            now = at
        }
        #expect(waits == [1, 2, 4, 8, 10, 10])
        schedule.answered()
        #expect(!schedule.settleDue(now: now + 1_000))
        schedule.lookNow(now)
        #expect(schedule.settleDue(now: now))
        #expect(schedule.retry == FleetSchedule.firstRetrySeconds)
    }
}
