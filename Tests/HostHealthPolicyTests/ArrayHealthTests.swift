import TestFixtures
import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
import Testing

@Suite("ArrayHealth: md arrays judged over time, healing apart from failing")
struct ArrayHealthTests {
    let clean = ArrayTimeline.raid1()

    @Test func cleanArrayIsOk() throws {
        var timeline = ArrayTimeline()
        let arrayJudged = timeline.at(0, clean)
        let array = try #require(arrayJudged)
        #expect(array.state == .ok)
        #expect(array.id.description == "md:\(ArrayTimeline.uuid)")
        #expect(timeline.events.isEmpty)
    }

    @Test func rebuildThatAdvancesIsConvergingWithFallingETAThenOk() throws {
        var timeline = ArrayTimeline(ArrayConfig(recoverAfterSeconds: 30))
        timeline.at(0, clean)
        #expect(timeline.at(10, clean.losingSecondMember())?.state == .degraded)
        // Healing is a better state: taken once it has held for recover_after.
        #expect(timeline.at(20, clean.recovering(0.05))?.state == .degraded)
        let earlyJudged = timeline.at(50, clean.recovering(0.1))
        let early = try #require(earlyJudged)
        #expect(early.state == .converging)
        #expect(early.reason == "recovering onto sdd1, 10% done, 100 MB/s")
        #expect(early.progress == 0.1)
        #expect(timeline.report?.host.capacity == 0.5)
        let lateJudged = timeline.at(60, clean.recovering(0.5))
        let late = try #require(lateJudged)
        #expect(late.state == .converging)
        #expect(try #require(late.etaSeconds) < #require(early.etaSeconds))
        #expect(late.etaSeconds == (500_000 * 512 / 100_000_000.0).rounded())
        timeline.at(70, clean.recovering(0.9))
        #expect(timeline.at(80, clean.recovered())?.state == .converging)
        #expect(timeline.at(110, clean.recovered())?.state == .ok)
        #expect(timeline.events == [
            "Fail", "DegradedArray", "RebuildStarted", "Rebuild40", "Rebuild80", "SpareActive", "RebuildFinished",
        ])
        let finished = try #require(timeline.transitions.first { $0.event == "RebuildFinished" })
        #expect(finished.reason == "recovery completed")
    }

    @Test func rebuildThatStopsAdvancingBecomesDegraded() {
        var timeline = ArrayTimeline(ArrayConfig(stallAfterSeconds: 600))
        timeline.at(0, clean.recovering(0.3))
        #expect(timeline.at(599, clean.recovering(0.3))?.state == .converging)
        let stalled = timeline.at(600, clean.recovering(0.3))
        #expect(stalled?.state == .degraded)
        #expect(stalled?.reason == "recovery stalled at 30% for over 10m")
    }

    @Test func rebuildThatMovesAgainIsConvergingAgain() {
        var timeline = ArrayTimeline(ArrayConfig(stallAfterSeconds: 600, recoverAfterSeconds: 0))
        timeline.at(0, clean.recovering(0.3))
        timeline.at(700, clean.recovering(0.3))
        #expect(timeline.at(701, clean.recovering(0.31))?.state == .converging)
    }

    @Test func spareThatFailsMidRebuildGivesFailSpareAndDegraded() throws {
        var timeline = ArrayTimeline()
        timeline.at(0, clean.recovering(0.2))
        var failing = clean.recovering(0.5)
        failing.syncAction = .idle
        failing.syncCompleted = .notRunning
        failing.members[1] = ArrayTimeline.member("sdd1", slot: nil, flags: [.faulty])
        let arrayJudged = timeline.at(10, failing)
        let array = try #require(arrayJudged)
        #expect(array.state == .degraded)
        // A degraded array is announced at start, as mdadm --monitor does.
        #expect(timeline.events == ["DegradedArray", "FailSpare", "RebuildFinished"])
        let finished = try #require(timeline.transitions.first { $0.event == "RebuildFinished" })
        #expect(finished.reason == "recovery aborted at 20%")
    }

    @Test func scrubIsOkThroughoutAndNamedAsAScrub() throws {
        var timeline = ArrayTimeline()
        timeline.at(0, clean)
        for (step, ratio) in [0.0, 0.3, 0.6, 0.95].enumerated() {
            let arrayJudged = timeline.at(Double(step + 1) * 10, clean.checking(ratio))
            let array = try #require(arrayJudged)
            #expect(array.state == .ok)
            #expect(array.progress == ratio)
        }
        #expect(timeline.component("md0")?.reason == "check 95% done, 200 MB/s")
        #expect(timeline.at(60, clean.idle(mismatches: 128, last: .check))?.state == .ok)
        #expect(timeline.events == ["CheckStarted", "CheckFinished"])
        #expect(timeline.transitions.last?.reason == "check finished: 128 mismatched sectors")
        #expect(timeline.report?.host.state == .ok)
    }

    @Test func repairIsARepairNotARebuild() {
        var timeline = ArrayTimeline()
        timeline.at(0, clean)
        timeline.at(1, clean.checking(0.1, action: .repair))
        timeline.at(2, clean.idle(mismatches: 8, last: .repair))
        #expect(timeline.events == ["RepairStarted", "RepairFinished"])
    }

    @Test func mismatchesAfterACheckDegradeRaid5() {
        var timeline = ArrayTimeline()
        let raid5 = ArrayTimeline.raid("raid5", disks: 3)
        let array = timeline.at(0, raid5.idle(mismatches: 64, last: .check))
        #expect(array?.state == .degraded)
        #expect(array?.reason == "last check found 64 mismatched sectors")
    }

    @Test(arguments: ["raid1", "raid10"])
    func mismatchesAfterACheckAreNoiseOnMirrors(_ level: String) {
        var timeline = ArrayTimeline()
        #expect(timeline.at(0, ArrayTimeline.raid(level, disks: 4).idle(mismatches: 64, last: .check))?.state == .ok)
    }

    @Test func mismatchesAfterARepairAreNotDegradation() {
        var timeline = ArrayTimeline()
        #expect(timeline.at(0, ArrayTimeline.raid("raid6", disks: 4).idle(mismatches: 64, last: .repair))?.state == .ok)
    }

    @Test func memberThatFailedAndWasRemovedBetweenLooksIsAFail() {
        var timeline = ArrayTimeline()
        timeline.at(0, clean)
        var pulled = clean.losingSecondMember()
        pulled.members.removeLast()
        timeline.at(1, pulled)
        #expect(timeline.events == ["Fail", "DegradedArray"])
        #expect(timeline.transitions.first { $0.event == "Fail" }?.reason == "member sdc1 failed and was removed; 1 of 2 disks missing, no spare to recover onto")
    }

    @Test func degradedWithoutSpareIsDegraded() {
        var timeline = ArrayTimeline()
        let array = timeline.at(0, clean.losingSecondMember())
        #expect(array?.state == .degraded)
        #expect(array?.reason == "1 of 2 disks missing, no spare to recover onto")
        #expect(timeline.events == ["DegradedArray"])
    }

    @Test func degradedWithAnIdleSpareSaysRecoveryIsNotRunning() {
        var timeline = ArrayTimeline()
        var array = clean.losingSecondMember()
        array.members.append(ArrayTimeline.member("sdd1", slot: nil, flags: [.spare]))
        #expect(timeline.at(0, array)?.reason == "1 of 2 disks missing, recovery not running (spare sdd1)")
    }

    @Test func delayedRebuildIsConvergingUntilPendingAfter() {
        var timeline = ArrayTimeline(ArrayConfig(pendingAfterSeconds: 3600))
        var delayed = clean.recovering(0)
        delayed.syncCompleted = .delayed
        delayed.syncSpeedBytesPerSecond = nil
        let waiting = timeline.at(0, delayed)
        #expect(waiting?.state == .converging)
        #expect(waiting?.reason == "recovery delayed behind another array's sync")
        #expect(timeline.at(3599, delayed)?.state == .converging)
        let late = timeline.at(3600, delayed)
        #expect(late?.state == .degraded)
        #expect(late?.reason == "recovery delayed behind another array's sync for over 1h")
    }

    @Test func delayedCheckIsOk() {
        var timeline = ArrayTimeline()
        var delayed = clean.checking(0)
        delayed.syncCompleted = .delayed
        #expect(timeline.at(0, delayed)?.state == .ok)
        #expect(timeline.at(86_400, delayed)?.state == .ok)
    }

    @Test func resyncAfterUncleanShutdownIsConverging() {
        var timeline = ArrayTimeline()
        let array = timeline.at(0, clean.checking(0.25, action: .resync))
        #expect(array?.state == .converging)
        #expect(array?.reason == "resyncing after an unclean shutdown, 25% done, 200 MB/s")
    }

    @Test func reshapeIsConvergingAndSaysTheDiskCounts() {
        var timeline = ArrayTimeline()
        var array = ArrayTimeline.raid("raid5", disks: 4).checking(0.5, action: .reshape)
        array.previousRaidDisks = 3
        let judged = timeline.at(0, array)
        #expect(judged?.state == .converging)
        #expect(judged?.reason == "reshaping from 3 to 4 disks, 50% done, 200 MB/s")
    }

    @Test func abortedResyncSaysWhereItStopped() throws {
        var timeline = ArrayTimeline()
        timeline.at(0, clean.checking(0.4, action: .resync))
        var stopped = clean.idle()
        stopped.resyncStart = 1_677_721
        timeline.at(5, stopped)
        #expect(timeline.transitions.last { $0.event == "RebuildFinished" }?.reason == "resync aborted at 40%")
    }

    @Test func inactiveArrayIsFailed() {
        var timeline = ArrayTimeline()
        var array = clean
        array.arrayState = .inactive
        #expect(timeline.at(0, array)?.state == .failed)
    }

    @Test func emptyMdDeviceWithoutMembersIsNoFailure() {
        var timeline = ArrayTimeline()
        #expect(timeline.at(0, MDArray(name: "md127", arrayState: .clear))?.state == .ok)
        #expect(timeline.at(1, MDArray(name: "md127", arrayState: .inactive))?.state == .ok)
    }

    @Test func partlyAssembledInactiveArrayIsFailed() {
        var timeline = ArrayTimeline()
        var array = MDArray(name: "md127", arrayState: .inactive, members: [ArrayTimeline.member("sdb1", slot: nil, flags: [.spare])])
        #expect(timeline.at(0, array)?.state == .failed)
        array.arrayState = .clear
        #expect(timeline.at(1, array)?.state == .failed)
    }

    @Test func brokenArrayIsFailed() {
        var timeline = ArrayTimeline()
        var array = ArrayTimeline.raid("raid0", disks: 2)
        array.arrayState = .broken
        #expect(timeline.at(0, array)?.state == .failed)
    }

    @Test func inactiveContainerIsOk() {
        var timeline = ArrayTimeline()
        let container = MDArray(name: "md127", uuid: "c0", level: "container", arrayState: .inactive, metadataVersion: "external:imsm")
        #expect(timeline.at(0, container)?.state == .ok)
    }

    /// Members lost (by slot) and what the level makes of it.
    @Test(arguments: [
        ("raid0", 2, [1], HealthState.failed),
        ("linear", 3, [2], .failed),
        ("raid1", 2, [0, 1], .failed),
        ("raid1", 3, [0, 1], .degraded),
        ("raid4", 3, [0, 2], .failed),
        ("raid5", 4, [1], .degraded),
        ("raid5", 4, [1, 3], .failed),
        ("raid6", 5, [0, 1], .degraded),
        ("raid6", 5, [0, 1, 4], .failed),
        ("raid10", 4, [0, 1], .failed),
        ("raid10", 4, [1, 2], .degraded),
        ("raid10", 4, [0, 3], .degraded),
    ])
    func membersLostBeyondRedundancyFailTheArray(_ level: String, _ disks: Int, _ lost: [Int], _ expected: HealthState) {
        var array = ArrayTimeline.raid(level, disks: disks, layout: level == "raid10" ? 0x102 : nil)
        for slot in lost {
            array.members[slot] = ArrayTimeline.member(array.members[slot].name, slot: nil, flags: [.faulty])
        }
        if level != "raid0", level != "linear" { array.degraded = lost.count }
        var timeline = ArrayTimeline()
        let judged = timeline.at(0, array)
        #expect(judged?.state == expected, "\(judged?.reason ?? "")")
    }

    /// A partial tree (no `slot` file, no `rdN` link): the members' roles are unknown, and
    /// their `state` and the array's `degraded` are trusted rather than the array failed.
    @Test(arguments: [
        ("raid1", 2, 0, HealthState.ok),
        ("raid1", 2, nil, .ok),
        ("raid1", 2, 1, .degraded),
        ("raid5", 3, 0, .ok),
        ("raid5", 3, 1, .degraded),
        ("raid5", 3, 2, .failed),
        ("raid10", 4, 0, .ok),
        ("raid10", 4, 1, .degraded),
        ("raid0", 2, nil, .ok),
    ] as [(String, Int, Int?, HealthState)])
    func membersWithoutARoleAreTakenAtTheirState(_ level: String, _ disks: Int, _ degraded: Int?, _ expected: HealthState) {
        var array = ArrayTimeline.raid(level, disks: disks, layout: level == "raid10" ? 0x102 : nil)
        for index in array.members.indices {
            array.members[index].slot = nil
            array.members[index].roleUnknown = true
        }
        // The members a degraded array lacks are gone from the tree.
        array.members.removeLast(degraded ?? 0)
        array.degraded = degraded
        var timeline = ArrayTimeline()
        let judged = timeline.at(0, array)
        #expect(judged?.state == expected, "\(judged?.reason ?? "")")
    }

    @Test func raid10FarLayoutFailsClosedWhenAsManyMembersAsCopiesAreLost() {
        var array = ArrayTimeline.raid("raid10", disks: 4, layout: 0x201)
        array.degraded = 2
        array.members[1].flags = [.faulty]
        array.members[2].flags = [.faulty]
        var timeline = ArrayTimeline()
        #expect(timeline.at(0, array)?.state == .failed)
    }

    @Test func unparsableArrayIsUnknownWithoutTouchingOthers() {
        var timeline = ArrayTimeline()
        var bad = ArrayTimeline.raid("raid5", disks: 3)
        bad.problem = "raid_disks is 'two', not a number"
        timeline.at(0, bad, clean)
        #expect(timeline.component("md1")?.state == .unknown)
        #expect(timeline.component("md1")?.reason == "cannot read the array: raid_disks is 'two', not a number")
        #expect(timeline.component("md0")?.state == .ok)
    }

    @Test func arrayThatBecomesReadableIsNotNewsOfFailures() {
        var timeline = ArrayTimeline()
        var unreadable = clean.losingSecondMember()
        unreadable.problem = "cannot read degraded: Input/output error"
        timeline.at(0, unreadable)
        timeline.at(1, clean.losingSecondMember())
        #expect(timeline.events == ["DegradedArray"])
        // Degraded is better than unknown: taken once it has held for recover_after.
        #expect(timeline.at(31, clean.losingSecondMember())?.state == .degraded)
    }

    @Test func memberWithWriteErrorsDegradesTheArray() {
        var timeline = ArrayTimeline()
        var array = clean
        array.members[1].flags = [.inSync, .writeError]
        let judged = timeline.at(0, array)
        #expect(judged?.state == .degraded)
        #expect(judged?.reason == "member sdc1 has had write errors")
    }

    @Test func memberErrorsRisingDegradeForTheWindow() {
        var timeline = ArrayTimeline(ArrayConfig(errorsWindowSeconds: 3600, recoverAfterSeconds: 0))
        timeline.at(0, clean)
        var erring = clean
        erring.members[0].errors = 5
        let array = timeline.at(10, erring)
        #expect(array?.state == .degraded)
        #expect(array?.reason == "member sdb1 errors rising (now 5)")
        #expect(timeline.at(3609, erring)?.state == .degraded)
        #expect(timeline.at(3610, erring)?.state == .ok)
    }

    @Test func arrayThatAppearsLaterIsNewAndOneThatGoesDisappeared() {
        var timeline = ArrayTimeline()
        timeline.at(0, clean)
        let second = ArrayTimeline.raid("raid5", disks: 3)
        timeline.at(10, clean, second)
        timeline.at(20, clean)
        #expect(timeline.events == ["NewArray", "DeviceDisappeared"])
    }

    @Test func arraysPresentAtStartAreNotNew() {
        var timeline = ArrayTimeline()
        timeline.at(0, clean, ArrayTimeline.raid("raid5", disks: 3))
        #expect(timeline.events.isEmpty)
    }

    @Test func staleReaderMakesArraysUnknown() {
        let policy = HealthPolicy(config: AgentConfig(arrays: ArrayConfig(staleAfterSeconds: 180)))
        let reader = ReaderStatus(name: "arrays", lastSuccess: Fixture.t0)
        let report = policy.evaluate(
            previous: HealthMemory(), snapshot: HostSnapshot(arrays: [clean], readers: [reader]), now: Fixture.t0 + 181).report
        #expect(report.components.first?.state == .unknown)
        #expect(report.host.state == .unknown)
    }

    @Test func disabledCollectorGivesNoArrays() {
        let report = HealthPolicy(config: AgentConfig()).evaluate(previous: HealthMemory(), snapshot: HostSnapshot(), now: Fixture.t0).report
        #expect(report.components.isEmpty)
    }
}
