import HostHealthConfig
import TestFixtures
import HostHealthModel
import HostHealthPolicy
import HostHealthExposition
import Testing

@Suite("AgentCheckReply: the line HAProxy's agent-check reads")
struct AgentCheckReplyTests {
    func line(_ state: HealthState, capacity: Double = 0, reasons: [String] = [], maintenance: String? = nil) -> String {
        AgentCheckReply.line(for: HostHealth(
            state: state, capacity: capacity, since: Fixture.t0, reasons: reasons, maintenance: maintenance))
    }

    @Test func okHostIsUpReadyAtFullWeight() {
        #expect(line(.ok, capacity: 1) == "up ready 100%\n")
    }

    @Test func convergingHostIsUpReadyAtItsCapacity() {
        #expect(line(.converging, capacity: 0.5) == "up ready 50%\n")
    }

    @Test func convergingHostNeverGetsZeroWeight() {
        // 0% would silently drain a host that is healing; the smallest weight keeps it serving.
        #expect(line(.converging, capacity: 0) == "up ready 1%\n")
    }

    @Test func convergingWeightIsRoundedToWholePercent() {
        #expect(line(.converging, capacity: 0.666) == "up ready 67%\n")
    }

    @Test func degradedHostIsDrained() {
        #expect(line(.degraded, reasons: ["link eth1: degraded, speed 1000 Mb/s below declared 10000 Mb/s"]) == "up drain\n")
    }

    @Test func failedHostIsDownWithItsFirstReason() {
        #expect(line(.failed, reasons: ["link eth0: failed, required link has no carrier", "link eth1: degraded"])
            == "down #link eth0: failed, required link has no carrier\n")
    }

    @Test func unknownHostIsDownWithItsFirstReason() {
        #expect(line(.unknown, reasons: ["links reader stale for 200s"]) == "down #links reader stale for 200s\n")
    }

    @Test func failedHostWithoutReasonsNamesItsState() {
        #expect(line(.failed) == "down #failed\n")
    }

    @Test func maintenanceWinsOverEveryState() {
        #expect(line(.ok, capacity: 1, maintenance: "replacing sdb") == "maint #replacing sdb\n")
    }

    @Test func newlinesInAReasonDoNotEndTheLine() {
        let reply = line(.failed, reasons: ["first\nsecond\rthird"])
        #expect(reply == "down #first second third\n")
    }

    @Test func longReasonIsCutToOneHundredBytes() {
        let reply = line(.failed, reasons: [String(repeating: "x", count: 300)])
        let reason = reply.dropFirst("down #".count).dropLast()
        #expect(reason.utf8.count == 100)
        #expect(reason.hasSuffix("..."))
    }

    @Test func longNonASCIIReasonIsCutToOneHundredBytes() {
        // 60 two-byte characters are 120 bytes: over the bound although only 60 characters.
        let reply = line(.failed, reasons: [String(repeating: "é", count: 60)])
        let reason = reply.dropFirst("down #".count).dropLast()
        #expect(reason.utf8.count <= 100)
    }

    @Test func everyReplyIsOneLine() {
        for state in HealthState.allCases {
            let reply = line(state, capacity: 0.5, reasons: ["a\nb"])
            #expect(reply.hasSuffix("\n"))
            #expect(reply.count { $0 == "\n" } == 1, "\(state)")
        }
    }
}

/// Softer agent-check and `/health` answers, where the consumer allows them.
@Suite struct GradedSignalTests {
    func host(_ state: HealthState, lastKnown: KnownVerdict? = nil) -> HostHealth {
        var host = HostHealth(state: state, capacity: state == .ok ? 1 : 0, since: Fixture.t0, reasons: ["why"])
        host.lastKnown = lastKnown
        return host
    }

    @Test func degradedAsAWeightStaysInThePool() {
        let config = AgentCheckConfig(degradedWeight: 0.25)
        #expect(AgentCheckReply.line(for: host(.degraded), config: config) == "up ready 25%\n")
        #expect(AgentCheckReply.line(for: host(.failed), config: config) == "down #why\n", "failed still goes down")
    }

    @Test func unknownHeldServesTheLastKnownAnswer() {
        let config = AgentCheckConfig(holdUnknown: true)
        #expect(AgentCheckReply.line(for: host(.unknown, lastKnown: KnownVerdict(state: .ok, capacity: 1)), config: config) == "up ready 100%\n")
        #expect(AgentCheckReply.line(for: host(.unknown), config: config) == "down #why\n", "nothing known yet: down")
        #expect(AgentCheckReply.line(for: host(.unknown, lastKnown: KnownVerdict(state: .ok, capacity: 1))) == "down #why\n", "not held by default")
    }

    @Test func envoyDegradedIs200WithTheHeader() {
        let health = HealthOutputConfig(envoyDegraded: true)
        #expect(health.statusCode(for: host(.degraded)) == 200)
        #expect(health.envoyDegradedHeader(for: host(.degraded)))
        #expect(!health.envoyDegradedHeader(for: host(.failed)))
        #expect(health.statusCode(for: host(.failed)) == 503)
        #expect(!HealthOutputConfig().envoyDegradedHeader(for: host(.degraded)))
    }

    @Test func healthHoldsUnknownWithTheLastKnownStatesCode() {
        let health = HealthOutputConfig(holdUnknown: true)
        #expect(health.statusCode(for: host(.unknown, lastKnown: KnownVerdict(state: .ok, capacity: 1))) == 200)
        #expect(health.statusCode(for: host(.unknown)) == 503)
    }

    @Test func onlyAnswersThatTakeTheHostOutAskTheFleetForASlot() {
        var config = AgentConfig()
        #expect(config.takesOutOfService(host(.degraded)))
        #expect(!config.takesOutOfService(host(.converging)))
        config.agentCheck.degradedWeight = 0.5
        #expect(config.takesOutOfService(host(.degraded)), "/health still answers 503")
        config.health.envoyDegraded = true
        #expect(!config.takesOutOfService(host(.degraded)))
        config.health.statusCodes[.degraded] = 429
        config.health.envoyDegraded = false
        #expect(!config.takesOutOfService(host(.degraded)), "429 is Consul's warning: still in service")
        #expect(config.takesOutOfService(host(.failed)))
    }
}
