import TestFixtures
import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
import Testing

/// The policy says when time alone could next change a verdict; the engine judges again then
/// and not before. Each deadline is proven by judging at it and just before it.
@Suite("NextChange: the earliest instant time alone changes a verdict")
struct NextChangeTests {
    let t0 = Fixture.t0
    /// A staleness far enough out that the array deadlines come first (the timeline's reader
    /// reads at every step).
    static let day = 86_400.0

    func evaluate(_ config: AgentConfig, _ steps: [(HostSnapshot, Double)]) -> [HealthEvaluation] {
        var memory = HealthMemory()
        return steps.map { snapshot, offset in
            let evaluation = HealthPolicy(config: config).evaluate(previous: memory, snapshot: snapshot, now: t0 + offset)
            memory = evaluation.memory
            return evaluation
        }
    }

    func disk(_ name: String = "sda") -> Disk {
        Disk(name: name, identity: DiskIdentity(model: "M", serial: "S1"), deviceState: "running")
    }

    func disks(reader: ReaderStatus? = nil, smart: [String: SmartObservation]? = nil, errors: KernelDiskErrors? = nil) -> HostSnapshot {
        var snapshot = HostSnapshot(readers: reader.map { [$0] } ?? [])
        snapshot.disks = ["sda": disk()]
        snapshot.smart = smart
        snapshot.kernelDiskErrors = errors
        return snapshot
    }

    @Test func hostWithNothingThatAgesHasNoNextChange() {
        let evaluation = evaluate(AgentConfig(), [(HostSnapshot(links: Fixture.links(Fixture.link("eth0"))), 0)])
        #expect(evaluation[0].nextChange == nil)
    }

    @Test func readerThatNeverReadChangesOnlyWhenItReads() {
        let snapshot = HostSnapshot(links: [:], readers: [Fixture.linksReader(lastSuccess: nil)])
        #expect(evaluate(AgentConfig(), [(snapshot, 0)])[0].nextChange == nil)
    }

    @Test func pendingRecoveryReportsWhenItWillBeTaken() {
        let config = AgentConfig(links: LinkConfig(required: [Fixture.required("eth0")], recoverAfterSeconds: 10))
        let down = HostSnapshot(links: Fixture.links(Fixture.link("eth0", operState: .down, carrier: false)))
        let up = HostSnapshot(links: Fixture.links(Fixture.link("eth0")))
        let steps = evaluate(config, [(down, 0), (up, 5), (up, 14.9), (up, 15)])
        #expect(steps[1].nextChange == t0 + 15)
        #expect(steps[2].report.host.state == .failed)
        #expect(steps[3].report.host.state == .ok)
        #expect(steps[3].nextChange == nil)
    }

    @Test func worseStateHeldForItsForReportsWhenItIsTaken() {
        let hysteresis = HealthPolicy(config: AgentConfig())
        let id = ComponentID(kind: .sensor, key: "temp1")
        var memory = HealthMemory()
        memory.components[id] = HysteresisMemory(
            current: ComponentHealth(id: id, name: "temp1", state: .ok, reason: "", since: t0),
            pendingState: .degraded, pendingSince: t0 + 3)
        let evaluation = hysteresis.evaluate(
            verdicts: [Verdict(id: id, name: "temp1", state: .degraded, reason: "hot")], memory: memory, now: t0 + 4)
        // sensors.for defaults to 15 s.
        #expect(evaluation.nextChange == t0 + 18)
    }

    @Test func staleLinkReaderTurnsUnknownJustAfterItsDeadline() throws {
        let config = AgentConfig(links: LinkConfig(required: [Fixture.required("eth0")], staleAfterSeconds: 180))
        let snapshot = HostSnapshot(links: Fixture.links(Fixture.link("eth0")), readers: [Fixture.linksReader(lastSuccess: t0)])
        let first = evaluate(config, [(snapshot, 0)])[0]
        let deadline = try #require(first.nextChange)
        #expect(deadline > t0 + 180 && deadline - (t0 + 180) < 0.001)
        let steps = evaluate(config, [(snapshot, 0), (snapshot, 180), (snapshot, deadline - t0)])
        #expect(steps[1].report.host.state == .ok)
        #expect(steps[2].report.host.state == .unknown)
    }

    @Test func staleDiskReaderTurnsUnknownAtItsDeadline() throws {
        var config = AgentConfig()
        config.disks.staleAfterSeconds = 120
        let snapshot = disks(reader: ReaderStatus(name: "disks", lastSuccess: t0))
        let first = evaluate(config, [(snapshot, 10)])[0]
        let deadline = try #require(first.nextChange)
        #expect(deadline > t0 + 120 && deadline - (t0 + 120) < 0.001)
        let steps = evaluate(config, [(snapshot, 10), (snapshot, 120), (snapshot, deadline - t0)])
        #expect(steps[1].report.host.state == .ok)
        #expect(steps[2].report.host.state == .unknown)
        #expect(steps[2].report.host.reasons.first == "disks reader stale: no good read for over 2m")
    }

    @Test func staleArrayAndSensorReadersReportTheirDeadlines() throws {
        var config = AgentConfig()
        config.arrays.staleAfterSeconds = 180
        config.sensors.staleAfterSeconds = 30
        var snapshot = HostSnapshot(arrays: [], sensors: [], readers: [
            ReaderStatus(name: "arrays", lastSuccess: t0), ReaderStatus(name: "sensors", lastSuccess: t0 + 5),
        ])
        let sensorsFirst = try #require(evaluate(config, [(snapshot, 6)])[0].nextChange)
        #expect(sensorsFirst > t0 + 35 && sensorsFirst - (t0 + 35) < 0.001)
        snapshot.sensors = nil
        snapshot.readers.removeLast()
        let arrays = try #require(evaluate(config, [(snapshot, 6)])[0].nextChange)
        #expect(arrays > t0 + 180 && arrays - (t0 + 180) < 0.001)
    }

    @Test func carrierFlapSampleLeavesItsWindowAtTheDeadline() {
        let config = AgentConfig(links: LinkConfig(required: [Fixture.required("eth0")], flapMaxChanges: 1, flapWindowSeconds: 300, recoverAfterSeconds: 0))
        let before = HostSnapshot(links: Fixture.links(Fixture.link("eth0", carrierChanges: 1)))
        let after = HostSnapshot(links: Fixture.links(Fixture.link("eth0", carrierChanges: 3)))
        let steps = evaluate(config, [(before, 0), (after, 10), (after, 309), (after, 310)])
        #expect(steps[1].report.host.state == .degraded)
        #expect(steps[1].nextChange == t0 + 310)
        #expect(steps[2].report.host.state == .degraded)
        #expect(steps[3].report.host.state == .ok)
        #expect(steps[3].nextChange == nil)
    }

    @Test func kernelErrorBurstLeavesItsWindowAtTheDeadline() {
        var config = AgentConfig()
        config.kmsg = KernelLogConfig(burstMaxErrors: 1, burstWindowSeconds: 300)
        config.disks.recoverAfterSeconds = 0
        var errors = KernelDiskErrors()
        let quiet = disks(errors: errors)
        for _ in 0..<3 { errors.count(DiskTrouble(kind: .ioError, subject: "sda")) }
        let burst = disks(errors: errors)
        let steps = evaluate(config, [(quiet, 0), (burst, 20), (burst, 319), (burst, 320)])
        #expect(steps[1].report.host.state == .degraded)
        #expect(steps[1].nextChange == t0 + 320)
        #expect(steps[2].report.host.state == .degraded)
        #expect(steps[3].report.host.state == .ok)
    }

    @Test func smartReportTurnsStaleJustAfterItsDeadline() throws {
        var config = AgentConfig()
        config.smart = SmartConfig(intervalSeconds: 60, timeoutSeconds: 10)
        let smart = ["sda": SmartObservation(report: SmartReport(exitStatus: [], passed: true), readAt: t0, attemptedAt: t0)]
        let snapshot = disks(smart: smart)
        let deadline = try #require(evaluate(config, [(snapshot, 1)])[0].nextChange)
        #expect(deadline > t0 + 130 && deadline - (t0 + 130) < 0.001)
        let steps = evaluate(config, [(snapshot, 1), (snapshot, 130), (snapshot, deadline - t0)])
        #expect(steps[1].report.components.first?.stale == false)
        #expect(steps[2].report.components.first?.stale == true)
    }

    @Test func stalledRebuildReportsItsStallDeadline() {
        var timeline = ArrayTimeline(ArrayConfig(stallAfterSeconds: 600, staleAfterSeconds: Self.day))
        let clean = ArrayTimeline.raid1()
        timeline.at(0, clean.recovering(0.3))
        #expect(timeline.nextChange == Fixture.t0 + 600)
        timeline.at(100, clean.recovering(0.4))
        #expect(timeline.nextChange == Fixture.t0 + 700)
        #expect(timeline.at(699, clean.recovering(0.4))?.state == .converging)
        #expect(timeline.at(700, clean.recovering(0.4))?.state == .degraded)
    }

    @Test func waitingRebuildReportsItsPendingDeadline() {
        var timeline = ArrayTimeline(ArrayConfig(pendingAfterSeconds: 3600, staleAfterSeconds: Self.day))
        var delayed = ArrayTimeline.raid1().recovering(0)
        delayed.syncCompleted = .delayed
        delayed.syncSpeedBytesPerSecond = nil
        timeline.at(0, delayed)
        #expect(timeline.nextChange == Fixture.t0 + 3600)
        #expect(timeline.at(3600, delayed)?.state == .degraded)
    }

    @Test func risingMemberErrorsReportWhenTheyLeaveTheirWindow() {
        var timeline = ArrayTimeline(ArrayConfig(errorsWindowSeconds: 3600, recoverAfterSeconds: 0, staleAfterSeconds: Self.day))
        var array = ArrayTimeline.raid1()
        timeline.at(0, array)
        array.members[0].errors = 5
        #expect(timeline.at(10, array)?.state == .degraded)
        #expect(timeline.nextChange == Fixture.t0 + 3610)
        #expect(timeline.at(3609, array)?.state == .degraded)
        #expect(timeline.at(3610, array)?.state == .ok)
        // Only the reader's staleness is left.
        #expect(timeline.nextChange.map { $0 > timeline.now + Self.day } == true)
    }
}
