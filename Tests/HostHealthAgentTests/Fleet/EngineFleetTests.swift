@testable import HostHealthAgent
import HostHealthConfig
import HostHealthExposition
import HostHealthModel
import HostHealthPolicy
import NIOCore
import Synchronization
import Testing

/// The engine acting on the pool's answer: a worse verdict drains only with a slot, keeps
/// serving at the floor weight without one, and fails static while etcd is unreachable.
@Suite struct EngineFleetTests {
    let clock = TestClock()
    let fleet = FleetConfig(
        endpoints: [EtcdEndpoint(tls: false, host: "127.0.0.1", port: 2379)], pool: "web", maxDraining: .count(1),
        deniedWeight: 0.5, staticForSeconds: 600)

    /// The wishes an engine announced.
    final class Wishes: Sendable {
        private let list = Mutex<[DrainWish]>([])
        func append(_ wish: DrainWish) { list.withLock { $0.append(wish) } }
        func withLock<T>(_ body: ([DrainWish]) -> T) -> T { list.withLock { body($0) } }
    }

    /// A host requiring eth0 (up) that joined the pool; the wishes the engine announced.
    func engine() async -> (HealthEngine, Wishes) {
        let config = AgentConfig(links: LinkConfig(required: [RequiredLink(pattern: LinkPattern("eth0"))], recoverAfterSeconds: 0))
        let engine = makeEngine(config, clock: clock)
        let wishes = Wishes()
        await engine.joinFleet(fleet) { wishes.append($0) }
        await engine.apply(dump([link("eth0", index: 2)]))
        return (engine, wishes)
    }

    func loseEth0(_ engine: HealthEngine) async {
        await engine.apply(dump([link("eth0", index: 2, operState: .down, carrier: false)]))
    }

    func answer(_ answer: FleetStanding.Answer, draining: Int = 1, unreachableSince: Timestamp? = nil) -> FleetStanding {
        FleetStanding(pool: "web", answer: answer, count: PoolCount(draining: draining, slots: 1, members: 4), unreachableSince: unreachableSince)
    }

    @Test func aHealthyHostAsksNothing() async {
        let (engine, wishes) = await engine()
        #expect(await engine.drainWish == .none)
        #expect(await engine.report.host.heldBack == nil)
        #expect(wishes.withLock { $0 }.allSatisfy { $0 == .none })
    }

    @Test func aStandingThatChangesNoVerdictStillShows() async {
        let (engine, _) = await engine()
        _ = await engine.document(.status)  // cached now
        await engine.setFleetStanding(FleetStanding(pool: "web", answer: .idle, unreachableSince: clock.now), for: .none)
        let status = String(decoding: await engine.document(.status).readableBytesView, as: UTF8.self)
        #expect(status.contains(#""budget":"unavailable""#))
        let metrics = await engine.metrics(format: .text).map { String(buffer: $0) }.joined()
        #expect(metrics.contains(#"hosthealth_fleet_budget{pool="web",state="unavailable"} 1"#))
    }

    @Test func aWorseVerdictWaitsForItsAnswerServingAtTheFloor() async {
        let (engine, wishes) = await engine()
        await loseEth0(engine)
        #expect(wishes.withLock { $0.last } == .automatic)
        let host = await engine.report.host
        #expect(host.state == .failed)
        #expect(host.heldBack?.reason == "asking pool web's drain budget")
        #expect(AgentCheckReply.line(for: host) == "up ready 50%\n")
        #expect(await engine.health().statusCode == 200)
    }

    @Test func aGrantedSlotDrains() async {
        let (engine, _) = await engine()
        await loseEth0(engine)
        await engine.setFleetStanding(answer(.granted), for: .automatic)
        let host = await engine.report.host
        #expect(host.heldBack == nil)
        #expect(AgentCheckReply.line(for: host).hasPrefix("down #"))
        #expect(await engine.health().statusCode == 503)
    }

    @Test func aDeniedSlotKeepsServingAndSaysWhy() async {
        let (engine, _) = await engine()
        await loseEth0(engine)
        await engine.setFleetStanding(answer(.denied), for: .automatic)
        let host = await engine.report.host
        #expect(host.heldBack?.reason == "drain budget of pool web exhausted (1/1 draining of 4)")
        #expect(AgentCheckReply.line(for: host) == "up ready 50%\n")
        let status = String(decoding: await engine.document(.status).readableBytesView, as: UTF8.self)
        #expect(status.contains(#""budget":"denied""#))
        #expect(status.contains(#""held_back":"drain budget of pool web exhausted"#))
        let metrics = await engine.metrics(format: .text).map { String(buffer: $0) }.joined()
        #expect(metrics.contains(#"hosthealth_fleet_budget{pool="web",state="denied"} 1"#))
        #expect(metrics.contains(#"hosthealth_fleet_held_back{pool="web"} 1"#))
        #expect(metrics.contains(#"hosthealth_fleet_pool_members{pool="web"} 4"#))
    }

    @Test func anAnswerToAnEarlierWishGrantsNothing() async {
        let (engine, _) = await engine()
        await loseEth0(engine)
        // The service answered while the host was still healthy.
        await engine.setFleetStanding(answer(.granted), for: .none)
        #expect(await engine.report.host.heldBack != nil)
    }

    @Test func recoveryServesAtOnceWithoutWaitingForTheRelease() async {
        let (engine, wishes) = await engine()
        await loseEth0(engine)
        await engine.setFleetStanding(answer(.granted), for: .automatic)
        await engine.apply(dump([link("eth0", index: 2)]))
        clock.advance(1)
        await engine.tick()
        #expect(await engine.report.host.state == .ok)
        #expect(AgentCheckReply.line(for: await engine.report.host) == "up ready 100%\n")
        #expect(wishes.withLock { $0.last } == DrainWish.none)
    }

    @Test func etcdUnreachableHoldsTheLastAnswerThenTheOwnVerdictActs() async {
        let (engine, _) = await engine()
        await loseEth0(engine)
        await engine.setFleetStanding(answer(.denied), for: .automatic)
        await engine.setFleetStanding(answer(.denied, unreachableSince: clock.now), for: .automatic)
        #expect(await engine.report.host.heldBack?.reason.contains("etcd unreachable") == true)
        clock.advance(599)
        await engine.tick()
        #expect(await engine.report.host.heldBack != nil, "static for 10m: nothing flaps")
        clock.advance(2)
        await engine.tick()
        #expect(await engine.report.host.heldBack == nil)
        #expect(await engine.health().statusCode == 503)
        let metrics = await engine.metrics(format: .text).map { String(buffer: $0) }.joined()
        #expect(metrics.contains(#"hosthealth_fleet_budget{pool="web",state="unavailable"} 1"#))
    }

    @Test func aGrantedDrainStaysWhileEtcdIsUnreachable() async {
        let (engine, _) = await engine()
        await loseEth0(engine)
        await engine.setFleetStanding(answer(.granted, unreachableSince: clock.now), for: .automatic)
        #expect(await engine.report.host.heldBack == nil)
    }

    @Test func maintenanceIsHonouredWithoutWaiting() async {
        let (engine, wishes) = await engine()
        await engine.setMaintenance(Maintenance(reason: "firmware", since: clock.now, by: "root"), by: "root")
        #expect(wishes.withLock { $0.last } == .maintenance)
        #expect(AgentCheckReply.line(for: await engine.report.host) == "maint #firmware\n")
    }

    @Test func noFleetSectionWritesNoFleetFamilies() async {
        let engine = makeEngine(AgentConfig(links: LinkConfig(required: [RequiredLink(pattern: LinkPattern("eth0"))])), clock: clock)
        await engine.apply(dump([link("eth0", index: 2, operState: .down, carrier: false)]))
        #expect(AgentCheckReply.line(for: await engine.report.host).hasPrefix("down #"))
        let metrics = await engine.metrics(format: .text).map { String(buffer: $0) }.joined()
        #expect(!metrics.contains("hosthealth_fleet_"))
        let status = String(decoding: await engine.document(.status).readableBytesView, as: UTF8.self)
        #expect(!status.contains(#""fleet""#))
    }
}

/// The engine with the softer outputs: what it serves and what it asks the pool for.
@Suite struct EngineGradedSignalTests {
    let clock = TestClock()

    @Test func unknownHeldKeepsServingAndIsShownInTheScrape() async {
        var config = AgentConfig(links: LinkConfig(required: [RequiredLink(pattern: LinkPattern("eth0"))], recoverAfterSeconds: 0, staleAfterSeconds: 5))
        config.agentCheck.holdUnknown = true
        config.health.holdUnknown = true
        let engine = makeEngine(config, clock: clock)
        await engine.apply(dump([link("eth0", index: 2)]))
        await engine.readerFailed(.links, "netlink socket closed")
        clock.advance(10)  // the link data turns stale: unknown
        await engine.tick()
        #expect(await engine.report.host.state == .unknown)
        #expect(await engine.agentCheckLine() == "up ready 100%\n")
        #expect(await engine.health().statusCode == 200)
        let metrics = await engine.metrics(format: .text).map { String(buffer: $0) }.joined()
        #expect(metrics.contains(#"hosthealth_unknown_held{last_known="ok"} 1"#))
    }

    @Test func degradedSentAsAWeightAsksThePoolForNothing() async {
        var config = AgentConfig(links: LinkConfig(required: [RequiredLink(pattern: LinkPattern("eth0"), minSpeedMbps: 25_000)], recoverAfterSeconds: 0))
        config.agentCheck.degradedWeight = 0.5
        config.health.envoyDegraded = true
        let engine = makeEngine(config, clock: clock)
        let fleet = FleetConfig(endpoints: [EtcdEndpoint(tls: false, host: "127.0.0.1", port: 2379)], pool: "web")
        await engine.joinFleet(fleet) { _ in }
        await engine.apply(dump([link("eth0", index: 2, speed: 10_000)]))
        #expect(await engine.report.host.state == .degraded)
        #expect(await engine.drainWish == DrainWish.none)
        #expect(await engine.report.host.heldBack == nil)
        #expect(await engine.agentCheckLine() == "up ready 50%\n")
        let health = await engine.health()
        #expect(health.statusCode == 200 && health.envoyDegraded)
    }
}
