@testable import HostHealthAgent
import HostHealthConfig
import HostHealthModel
import HostHealthPolicy
import Testing

/// The drain budget's etcd recipe against an in-memory etcd: slots granted up to the limit,
/// denied past it, given back on recovery, freed when a holder's lease runs out, and a limit
/// that follows the pool's live size.
@Suite struct DrainBudgetSessionTests {
    let clock = TestClock()

    func fleet(_ limit: FleetConfig.DrainLimit = .percent(25), ttl: Double = 30) -> FleetConfig {
        FleetConfig(endpoints: [EtcdEndpoint(tls: false, host: "127.0.0.1", port: 2379)], pool: "web", maxDraining: limit, leaseTTLSeconds: ttl)
    }

    /// `count` registered hosts of one pool, named h1…hN.
    func pool(_ count: Int, _ etcd: FakeEtcd, _ limit: FleetConfig.DrainLimit = .percent(25)) async throws -> [DrainBudgetSession] {
        var sessions: [DrainBudgetSession] = []
        for index in 1...count {
            var session = DrainBudgetSession(transport: etcd, config: fleet(limit), member: "h\(index)")
            try await session.register()
            sessions.append(session)
        }
        return sessions
    }

    @Test func aQuarterOfTwelveIsThreeSlotsAndTheRestAreDenied() async throws {
        let etcd = FakeEtcd(clock: clock)
        var hosts = try await pool(12, etcd)
        var answers: [FleetStanding.Answer] = []
        for index in 0..<8 {
            answers.append(try await hosts[index].settle(.automatic).0)
        }
        #expect(answers.filter { $0 == .granted }.count == 3)
        #expect(answers.filter { $0 == .denied }.count == 5)
        let (_, count) = try await hosts[7].settle(.automatic)
        #expect(count == PoolCount(draining: 3, slots: 3, members: 12))
        let slots = await etcd.snapshot().filter { $0.key.contains("/slots/") }
        #expect(Set(slots.keys) == ["/hosthealth/pools/web/slots/0", "/hosthealth/pools/web/slots/1", "/hosthealth/pools/web/slots/2"])
    }

    @Test func aHostThatRecoversGivesItsSlotToOneThatWaits() async throws {
        let etcd = FakeEtcd(clock: clock)
        var hosts = try await pool(4, etcd)
        #expect(try await hosts[0].settle(.automatic).0 == .granted)
        #expect(try await hosts[1].settle(.automatic).0 == .denied)
        let (idle, after) = try await hosts[0].settle(.none)
        #expect(idle == .idle)
        #expect(after.draining == 0)
        #expect(try await hosts[1].settle(.automatic).0 == .granted)
        #expect(try await hosts[0].settle(.automatic).0 == .denied, "the slot is the waiting host's now")
    }

    @Test func aGrantedHostKeepsItsSlotWhenItAsksAgain() async throws {
        let etcd = FakeEtcd(clock: clock)
        var hosts = try await pool(4, etcd)
        #expect(try await hosts[0].settle(.automatic).0 == .granted)
        #expect(try await hosts[0].settle(.automatic) == (.granted, PoolCount(draining: 1, slots: 1, members: 4)))
    }

    @Test func aHostThatDiesFreesItsSlotWhenItsLeaseRunsOut() async throws {
        let etcd = FakeEtcd(clock: clock)
        var hosts = try await pool(4, etcd)
        #expect(try await hosts[0].settle(.automatic).0 == .granted)
        #expect(try await hosts[1].settle(.automatic).0 == .denied)
        // h1 is killed: no more keep-alives. The others renew theirs.
        for _ in 0..<4 {
            clock.advance(10)
            for index in 1..<4 { try await hosts[index].keepAlive() }
        }
        let (answer, count) = try await hosts[1].settle(.automatic)
        #expect(answer == .granted)
        #expect(count.members == 3, "the dead host left the pool with its lease")
    }

    @Test func aForgottenLeaseIsRegisteredAnewAndAsksAgain() async throws {
        let etcd = FakeEtcd(clock: clock)
        var hosts = try await pool(4, etcd)
        #expect(try await hosts[0].settle(.automatic).0 == .granted)
        let before = hosts[0].lease
        clock.advance(31)  // etcd unreachable past the TTL: the lease and the slot are gone
        try await hosts[0].keepAlive()
        #expect(hosts[0].lease != nil && hosts[0].lease != before)
        #expect(try await hosts[0].settle(.automatic).0 == .granted)
    }

    @Test func etcdDownIsAnErrorNotAnAnswer() async throws {
        let etcd = FakeEtcd(clock: clock)
        var hosts = try await pool(2, etcd)
        await etcd.setDown(true)
        await #expect(throws: EtcdError.self) { try await hosts[0].settle(.automatic) }
        await #expect(throws: EtcdError.self) { try await hosts[0].keepAlive() }
        await etcd.setDown(false)
        #expect(try await hosts[0].settle(.automatic).0 == .granted)
    }

    @Test func thePercentageFollowsThePoolsLiveSize() async throws {
        let etcd = FakeEtcd(clock: clock)
        var hosts = try await pool(8, etcd)
        #expect(try await hosts[0].settle(.automatic) == (.granted, PoolCount(draining: 1, slots: 2, members: 8)))
        #expect(try await hosts[1].settle(.automatic).0 == .granted)
        #expect(try await hosts[2].settle(.automatic).0 == .denied)
        // Four more hosts join: 25% of 12 is 3.
        hosts += try await pool(12, etcd).suffix(4)
        #expect(try await hosts[2].settle(.automatic) == (.granted, PoolCount(draining: 3, slots: 3, members: 12)))
    }

    @Test func aPoolThatShrankGrantsNothingWhileItsHeldSlotsFillTheBudget() async throws {
        let etcd = FakeEtcd(clock: clock)
        var hosts = try await pool(12, etcd)
        for index in 0..<3 { #expect(try await hosts[index].settle(.automatic).0 == .granted) }
        // The holder of slot 0 dies: 11 live members allow 2, and slots 1 and 2 are held.
        for _ in 0..<4 {
            clock.advance(10)
            for index in 1..<12 { try await hosts[index].keepAlive() }
        }
        #expect(try await hosts[3].settle(.automatic) == (.denied, PoolCount(draining: 2, slots: 2, members: 11)))
        #expect(await etcd.snapshot()["/hosthealth/pools/web/slots/0"] == nil)
    }

    @Test func aSmallPoolMayAlwaysDrainOne() async throws {
        let etcd = FakeEtcd(clock: clock)
        var hosts = try await pool(3, etcd)
        #expect(try await hosts[0].settle(.automatic) == (.granted, PoolCount(draining: 1, slots: 1, members: 3)))
        #expect(try await hosts[1].settle(.automatic).0 == .denied)
    }

    @Test func aSlotTakenBetweenTheLookAndTheTransactionIsNotShared() async throws {
        let etcd = FakeEtcd(clock: clock)
        var hosts = try await pool(8, etcd, .count(2))
        await etcd.occupy("/hosthealth/pools/web/slots/0", by: "elsewhere")
        #expect(try await hosts[0].settle(.automatic).0 == .granted)
        #expect(await etcd.snapshot()["/hosthealth/pools/web/slots/1"] == "h1")
        #expect(try await hosts[1].settle(.automatic).0 == .denied)
    }

    @Test func maintenanceIsAlwaysHonouredAndCountsAgainstTheBudget() async throws {
        let etcd = FakeEtcd(clock: clock)
        var hosts = try await pool(4, etcd)
        #expect(try await hosts[0].settle(.automatic).0 == .granted)
        // The only slot is taken: maintenance still holds, listed apart.
        #expect(try await hosts[1].settle(.maintenance) == (.granted, PoolCount(draining: 2, slots: 1, members: 4)))
        #expect(await etcd.snapshot()["/hosthealth/pools/web/maintenance/h2"] == "h2")
        // h1 recovers; its slot stays free for automatic drains only after maintenance is counted.
        _ = try await hosts[0].settle(.none)
        #expect(try await hosts[2].settle(.automatic).0 == .denied, "the maintenance host fills the budget")
        _ = try await hosts[1].settle(.none)
        #expect(try await hosts[2].settle(.automatic).0 == .granted)
        #expect(await etcd.snapshot()["/hosthealth/pools/web/maintenance/h2"] == nil)
    }

    @Test func maintenanceTakesAFreeSlotFirst() async throws {
        let etcd = FakeEtcd(clock: clock)
        var hosts = try await pool(4, etcd)
        #expect(try await hosts[0].settle(.maintenance) == (.granted, PoolCount(draining: 1, slots: 1, members: 4)))
        #expect(await etcd.snapshot()["/hosthealth/pools/web/slots/0"] == "h1")
        #expect(try await hosts[1].settle(.automatic).0 == .denied)
    }

    @Test func leavingFreesEverythingAtOnce() async throws {
        let etcd = FakeEtcd(clock: clock)
        var hosts = try await pool(4, etcd)
        #expect(try await hosts[0].settle(.automatic).0 == .granted)
        try await hosts[0].leave()
        #expect(await etcd.snapshot().keys.contains { $0.hasSuffix("/h1") || $0.hasSuffix("slots/0") } == false)
        #expect(try await hosts[1].settle(.automatic) == (.granted, PoolCount(draining: 1, slots: 1, members: 3)))
    }

    @Test func membersCarryTheirLabels() async throws {
        let etcd = FakeEtcd(clock: clock)
        var config = fleet()
        config.zone = "eu-1a"
        config.rack = "r12"
        var session = DrainBudgetSession(transport: etcd, config: config, member: "web-7")
        try await session.register()
        #expect(await etcd.snapshot()["/hosthealth/pools/web/members/web-7"] == "zone=eu-1a,rack=r12")
    }
}
