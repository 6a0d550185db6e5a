import TestFixtures
import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
import Testing

@Suite("HealthPolicy: host verdict, transitions and hysteresis over time")
struct HealthPolicyTests {
    let t0 = Fixture.t0

    /// eth0 must be up; eth1 must run at 10 Gb/s. Recovery after 10 s, stale after 180 s.
    let policy = HealthPolicy(config: AgentConfig(links: LinkConfig(
        required: [Fixture.required("eth0"), Fixture.required("eth1", minSpeedMbps: 10_000)],
        recoverAfterSeconds: 10, staleAfterSeconds: 180)))

    let down = Fixture.link("eth0", operState: .down, carrier: false)
    let up = Fixture.link("eth0")
    let fast = Fixture.link("eth1", index: 3, speedMbps: 10_000)
    let slow = Fixture.link("eth1", index: 3, speedMbps: 1_000)

    func snapshot(_ links: Link..., reader: ReaderStatus? = nil) -> HostSnapshot {
        HostSnapshot(links: Dictionary(uniqueKeysWithValues: links.map { ($0.name, $0) }), readers: reader.map { [$0] } ?? [])
    }

    /// Evaluates snapshots in order, each at its own time, carrying memory along.
    func run(_ steps: [(HostSnapshot, Double)]) -> HealthEvaluation {
        var memory = HealthMemory()
        var last: HealthEvaluation?
        for (snapshot, offset) in steps {
            let evaluation = policy.evaluate(previous: memory, snapshot: snapshot, now: t0 + offset)
            memory = evaluation.memory
            last = evaluation
        }
        return last!
    }

    @Test func hostWithoutComponentsIsOkAtFullCapacity() {
        let report = run([(HostSnapshot(), 0)]).report
        #expect(report.host.state == .ok)
        #expect(report.host.capacity == 1)
        #expect(report.components.isEmpty)
    }

    @Test func disabledLinkCollectorGivesNoLinkComponents() {
        let report = run([(HostSnapshot(links: nil), 0)]).report
        #expect(report.components.isEmpty)
    }

    @Test func hostTakesTheWorstComponentState() {
        let report = run([(snapshot(down, slow), 0)]).report
        #expect(report.host.state == .failed)
    }

    @Test func degradedComponentDegradesTheHost() {
        let report = run([(snapshot(up, slow), 0)]).report
        #expect(report.host.state == .degraded)
    }

    @Test func unknownComponentOutranksDegraded() {
        let unknownSpeed = Fixture.link("eth1", index: 3, speedMbps: nil)
        let policy = HealthPolicy(config: AgentConfig(links: LinkConfig(required: [
            Fixture.required("eth0", minSpeedMbps: 10_000), Fixture.required("eth1", minSpeedMbps: 10_000),
        ])))
        let slowEth0 = Fixture.link("eth0", speedMbps: 1_000)
        let report = policy.evaluate(previous: HealthMemory(), snapshot: snapshot(slowEth0, unknownSpeed), now: t0).report
        #expect(report.host.state == .unknown)
    }

    @Test func failedComponentOutranksUnknown() {
        let unknownSpeed = Fixture.link("eth1", index: 3, speedMbps: nil)
        let report = run([(snapshot(down, unknownSpeed), 0)]).report
        #expect(report.host.state == .failed)
    }

    @Test func healthyHostHasFullCapacity() {
        let report = run([(snapshot(up, fast), 0)]).report
        #expect(report.host.state == .ok)
        #expect(report.host.capacity == 1)
    }

    @Test func degradedHostHasNoCapacity() {
        let report = run([(snapshot(up, slow), 0)]).report
        #expect(report.host.capacity == 0)
    }

    @Test func reasonsAreListedWorstFirst() {
        let report = run([(snapshot(down, slow), 0)]).report
        #expect(report.host.reasons == [
            "link eth0: failed, required link has no carrier (operstate down)",
            "link eth1: degraded, speed 1000 Mb/s below declared 10000 Mb/s",
        ])
    }

    @Test func okComponentsGiveNoReasons() {
        let report = run([(snapshot(up, fast), 0)]).report
        #expect(report.host.reasons.isEmpty)
    }

    @Test func componentsAreReportedSortedByID() {
        let report = run([(snapshot(Fixture.link("eth2", index: 4), fast, up), 0)]).report
        #expect(report.components.map(\.id.key) == ["eth0", "eth1", "eth2"])
    }

    @Test func componentsFirstSeenOkAreNotTransitions() {
        let evaluation = run([(snapshot(up, fast), 0)])
        #expect(evaluation.transitions.allSatisfy { $0.component == nil })
    }

    @Test func theFirstHostVerdictIsATransitionEvenWhenOk() {
        let evaluation = run([(snapshot(up, fast), 0)])
        #expect(evaluation.transitions == [Transition(component: nil, name: "host", from: nil, to: .ok, reason: "", at: t0)])
    }

    @Test func anUnchangedHostIsNoTransition() {
        let evaluation = run([(snapshot(up, fast), 0), (snapshot(up, fast), 5)])
        #expect(evaluation.transitions.isEmpty)
    }

    @Test func hostFirstSeenFailedIsATransitionFromNothing() {
        let evaluation = run([(snapshot(down, fast), 0)])
        let host = evaluation.transitions.first { $0.component == nil }
        #expect(host?.from == nil)
        #expect(host?.to == .failed)
        #expect(host?.name == "host")
    }

    @Test func failureIsOneComponentAndOneHostTransition() {
        let evaluation = run([(snapshot(up, fast), 0), (snapshot(down, fast), 5)])
        #expect(evaluation.transitions == [
            Transition(
                component: ComponentID(kind: .link, key: "eth0"), name: "eth0", from: .ok, to: .failed,
                reason: "required link has no carrier (operstate down)", at: t0 + 5),
            Transition(
                component: nil, name: "host", from: .ok, to: .failed,
                reason: "link eth0: failed, required link has no carrier (operstate down)", at: t0 + 5),
        ])
    }

    @Test func unchangedFailureIsNotEmittedAgain() {
        let evaluation = run([(snapshot(up, fast), 0), (snapshot(down, fast), 5), (snapshot(down, fast), 6)])
        #expect(evaluation.transitions.isEmpty)
    }

    @Test func recoveryIsNotTakenOneSecondBeforeRecoverAfter() {
        // Carrier back at +1; recover_after 10 s holds at +11, not at +10.
        let evaluation = run([(snapshot(down, fast), 0), (snapshot(up, fast), 1), (snapshot(up, fast), 10)])
        #expect(evaluation.report.host.state == .failed)
        #expect(evaluation.transitions.isEmpty)
    }

    @Test func recoveryIsTakenWhenItHasHeldForRecoverAfter() {
        let evaluation = run([(snapshot(down, fast), 0), (snapshot(up, fast), 1), (snapshot(up, fast), 11)])
        #expect(evaluation.report.host.state == .ok)
        #expect(evaluation.report.host.since == t0 + 11)
        #expect(evaluation.transitions.map(\.name) == ["eth0", "host"])
        #expect(evaluation.transitions.allSatisfy { $0.from == .failed && $0.to == .ok })
    }

    @Test func hostSinceStaysWhileItsStateHolds() {
        let evaluation = run([(snapshot(down, fast), 0), (snapshot(down, slow), 30)])
        #expect(evaluation.report.host.since == t0)
    }

    @Test func flappingRequiredLinkDegradesTheHost() {
        let first = Fixture.link("eth0", carrierChanges: 10)
        let flapped = Fixture.link("eth0", carrierChanges: 17)
        let report = run([(snapshot(first, fast), 0), (snapshot(flapped, fast), 60)]).report
        #expect(report.host.state == .degraded)
        #expect(report.components.first?.reason == "carrier flapping: 7 changes in 5m")
    }

    @Test func flappingEndsWhenTheChangesLeaveTheWindow() {
        let first = Fixture.link("eth0", carrierChanges: 10)
        let flapped = Fixture.link("eth0", carrierChanges: 17)
        // Changes at +60; window 300 s: gone by +360, ok again after recover_after at +370.
        let report = run([
            (snapshot(first, fast), 0), (snapshot(flapped, fast), 60),
            (snapshot(flapped, fast), 360), (snapshot(flapped, fast), 370),
        ]).report
        #expect(report.host.state == .ok)
    }

    @Test func linksReaderStaleAtItsLimitIsStillTrusted() {
        let reader = Fixture.linksReader(lastSuccess: t0)
        let report = run([(snapshot(up, fast, reader: reader), 180)]).report
        #expect(report.host.state == .ok)
    }

    @Test func linksReaderStalePastItsLimitMakesTheHostUnknown() {
        let reader = Fixture.linksReader(lastSuccess: t0)
        let report = run([(snapshot(up, fast, reader: reader), 181)]).report
        #expect(report.host.state == .unknown)
        #expect(report.components.allSatisfy { $0.stale })
        #expect(report.components.first { $0.id.key == "eth0" }?.reason == "links reader stale: no good read for over 3m")
    }

    @Test func staleReasonCarriesTheReadersLastError() {
        let reader = Fixture.linksReader(lastSuccess: t0, lastError: "netlink dump timed out")
        let report = run([(snapshot(up, fast, reader: reader), 200)]).report
        #expect(report.components.first?.reason == "links reader stale: no good read for over 3m: netlink dump timed out")
    }

    @Test func linksReaderThatNeverSucceededMakesTheHostUnknown() {
        let reader = Fixture.linksReader(lastSuccess: nil, lastError: "permission denied")
        let report = run([(snapshot(up, fast, reader: reader), 0)]).report
        #expect(report.host.state == .unknown)
        #expect(report.components.first?.reason == "links reader has not read successfully yet: permission denied")
    }

    @Test func staleLinksReaderWithNoLinksStillMakesTheHostUnknown() {
        let reader = Fixture.linksReader(lastSuccess: t0)
        let policy = HealthPolicy(config: AgentConfig())
        let report = policy.evaluate(
            previous: HealthMemory(), snapshot: HostSnapshot(links: [:], readers: [reader]), now: t0 + 181).report
        #expect(report.host.state == .unknown)
        #expect(report.host.capacity == 0)
        #expect(report.host.reasons == ["links reader stale: no good read for over 3m"])
    }

    @Test func staleReasonDoesNotChangeWhileTheReaderStaysStale() {
        let reader = Fixture.linksReader(lastSuccess: t0)
        let early = run([(snapshot(up, fast, reader: reader), 181)]).report
        let later = run([(snapshot(up, fast, reader: reader), 181), (snapshot(up, fast, reader: reader), 500)]).report
        #expect(early.host.reasons == later.host.reasons)
    }

    @Test func staleReaderIsTheFirstReason() {
        let reader = Fixture.linksReader(lastSuccess: t0)
        let report = run([(snapshot(up, fast, reader: reader), 181)]).report
        #expect(report.host.reasons.first == "links reader stale: no good read for over 3m")
    }

    @Test func linkRequiredTwiceIsOneComponentWithOneTransition() {
        let policy = HealthPolicy(config: AgentConfig(links: LinkConfig(required: [
            Fixture.required("eth0"), Fixture.required("eth0"),
        ])))
        let evaluation = policy.evaluate(previous: HealthMemory(), snapshot: HostSnapshot(links: [:]), now: t0)
        #expect(evaluation.report.components.count == 1)
        #expect(evaluation.transitions.count { $0.component == LinkHealth.componentID("eth0") } == 1)
    }

    @Test func failedLinkThatVanishesKeepsTheHostFailedUntilRecoverAfterHasHeld() {
        let policy = HealthPolicy(config: AgentConfig(links: LinkConfig(
            required: [Fixture.required("eth*")], recoverAfterSeconds: 10)))
        let eth0 = Fixture.link("eth0")
        let eth1Down = Fixture.link("eth1", index: 3, operState: .down, carrier: false)
        var memory = policy.evaluate(previous: HealthMemory(), snapshot: snapshot(eth0, eth1Down), now: t0).memory
        let justGone = policy.evaluate(previous: memory, snapshot: snapshot(eth0), now: t0 + 1)
        #expect(justGone.report.host.state == .failed)
        #expect(justGone.report.components.map(\.id.key) == ["eth0", "eth1"])
        memory = justGone.memory
        let held = policy.evaluate(previous: memory, snapshot: snapshot(eth0), now: t0 + 11)
        #expect(held.report.host.state == .ok)
        #expect(held.report.components.map(\.id.key) == ["eth0"])
        #expect(held.transitions.contains { $0.component?.key == "eth1" && $0.to == .ok && $0.reason == "no longer present" })
    }
}
