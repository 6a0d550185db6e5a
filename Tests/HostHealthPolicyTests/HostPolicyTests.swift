import TestFixtures
import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
import HostHealthExposition
import Testing

@Suite("Host policy: ignore, intent, converging capacity and holds, generic over kinds, over time")
struct HostPolicyTests {
    let t0 = Fixture.t0
    let md0 = ComponentID(kind: .array, key: "4f1c")
    let md1 = ComponentID(kind: .array, key: "9a0b")
    let sda = ComponentID(kind: .disk, key: "wwn-0x5000c500a1b2c3d4")
    let temp = ComponentID(kind: .sensor, key: "coretemp-isa-0000/temp1")

    func verdict(_ id: ComponentID, _ state: HealthState, reason: String = "", capacity: Double? = nil, declared: ComponentRule? = nil) -> Verdict {
        var verdict = Verdict(id: id, name: id.key, state: state, reason: reason, capacity: capacity)
        verdict.declared = declared
        return verdict
    }

    /// Evaluates verdict sets in order, each at its own second, carrying memory along.
    func run(_ policy: PolicyConfig, _ steps: [([Verdict], Double)]) -> [HealthEvaluation] {
        let engine = HealthPolicy(config: AgentConfig(links: LinkConfig(recoverAfterSeconds: 10), policy: policy))
        var memory = HealthMemory()
        var results: [HealthEvaluation] = []
        for (verdicts, offset) in steps {
            let evaluation = engine.evaluate(verdicts: verdicts, memory: memory, now: t0 + offset)
            memory = evaluation.memory
            results.append(evaluation)
        }
        return results
    }

    func host(_ policy: PolicyConfig = PolicyConfig(), _ verdicts: [Verdict]) -> HostHealth {
        run(policy, [(verdicts, 0)])[0].report.host
    }

    @Test func anIgnoredFailedComponentIsShownButLeavesTheHostOk() {
        let policy = PolicyConfig(components: [(LinkPattern("disk:wwn-*"), ComponentRule(ignore: true))])
        let report = run(policy, [([verdict(sda, .failed, reason: "gone")], 0)])[0].report
        #expect(report.host.state == .ok)
        #expect(report.host.capacity == 1)
        #expect(report.components.map(\.state) == [.failed])
        #expect(report.components.map(\.ignored) == [true])
    }

    @Test func aWholeKindCanBeIgnored() {
        let policy = PolicyConfig(kinds: [.sensor: ComponentRule(ignore: true)])
        #expect(host(policy, [verdict(temp, .failed), verdict(md0, .ok)]).state == .ok)
    }

    @Test func underImmutableIntentConvergingCountsAsDegraded() {
        let policy = PolicyConfig(kinds: [.array: ComponentRule(intent: .immutable)])
        let report = run(policy, [([verdict(md0, .converging, reason: "recovering, 42% done", capacity: 0.5)], 0)])[0].report
        #expect(report.host.state == .degraded)
        #expect(report.host.capacity == 0)
        #expect(report.components[0].reason == "converging, but the intent is immutable (no movement accepted): recovering, 42% done")
    }

    @Test func underConvergingIntentHealingIsFine() {
        let policy = PolicyConfig(kinds: [.array: ComponentRule(intent: .converging)])
        let host = host(policy, [verdict(md0, .converging, capacity: 0.5)])
        #expect(host.state == .converging)
        #expect(host.capacity == 0.5)
    }

    @Test func aComponentRuleOverridesItsKindsIntent() {
        let policy = PolicyConfig(
            kinds: [.array: ComponentRule(intent: .immutable)],
            components: [(LinkPattern("md:4f1c"), ComponentRule(intent: .converging))])
        let host = host(policy, [verdict(md0, .converging), verdict(md1, .ok)])
        #expect(host.state == .converging)
    }

    @Test func theFirstMatchingComponentRuleApplies() {
        let policy = PolicyConfig(components: [
            (LinkPattern("md:4f1c"), ComponentRule(ignore: false)),
            (LinkPattern("md:*"), ComponentRule(ignore: true)),
        ])
        #expect(host(policy, [verdict(md0, .failed)]).state == .failed)
        #expect(host(policy, [verdict(md1, .failed)]).state == .ok)
    }

    @Test func convergingCapacityFromThePolicyReplacesTheDomainsFigure() {
        let policy = PolicyConfig(kinds: [.array: ComponentRule(convergingCapacity: 0.8)])
        #expect(host(policy, [verdict(md0, .converging, capacity: 0.5)]).capacity == 0.8)
    }

    @Test func capacityIsTheMinimumOfConvergingComponentsByDefault() {
        let host = host(PolicyConfig(), [verdict(md0, .converging, capacity: 0.5), verdict(md1, .converging, capacity: 0.8), verdict(sda, .ok)])
        #expect(host.capacity == 0.5)
    }

    @Test func capacityCanBeTheProductOfConvergingComponents() {
        let host = host(PolicyConfig(capacity: .product), [verdict(md0, .converging, capacity: 0.5), verdict(md1, .converging, capacity: 0.8)])
        #expect(abs(host.capacity - 0.4) < 1e-9)
    }

    @Test func eitherCombinationDrainsForADegradedComponent() {
        for combination in CapacityCombination.allCases {
            #expect(host(PolicyConfig(capacity: combination), [verdict(md0, .converging, capacity: 0.5), verdict(sda, .degraded)]).capacity == 0)
        }
    }

    @Test func reasonsNameTheResponsibleComponentsMostSevereFirst() {
        let host = host(PolicyConfig(), [
            verdict(md0, .converging, reason: "recovering"), verdict(sda, .failed, reason: "gone"), verdict(temp, .degraded, reason: "hot"),
        ])
        #expect(host.reasons == ["disk \(sda.key): failed, gone", "sensor \(temp.key): degraded, hot", "array 4f1c: converging, recovering"])
    }

    @Test func aKindsForHoldsAWorseStateUntilItHasLasted() {
        let policy = PolicyConfig(kinds: [.sensor: ComponentRule(worsenAfterSeconds: 120)])
        let results = run(policy, [
            ([verdict(temp, .ok)], 0), ([verdict(temp, .degraded)], 1), ([verdict(temp, .degraded)], 100),
            ([verdict(temp, .degraded)], 121),
        ])
        #expect(results.map(\.report.host.state) == [.ok, .ok, .ok, .degraded])
    }

    @Test func aComponentsRecoverAfterOverridesTheDomainsHold() {
        let policy = PolicyConfig(components: [(LinkPattern("disk:*"), ComponentRule(recoverAfterSeconds: 60))])
        let eth0 = ComponentID(kind: .link, key: "eth0")
        let results = run(policy, [
            ([verdict(sda, .failed), verdict(eth0, .failed)], 0),
            ([verdict(sda, .ok), verdict(eth0, .ok)], 1),
            ([verdict(sda, .ok), verdict(eth0, .ok)], 12),
            ([verdict(sda, .ok), verdict(eth0, .ok)], 62),
        ])
        // eth0 recovers after its domain's 10 s (links.recover_after); the disk only after its own 60 s.
        #expect(results[2].report.components.map(\.state) == [.failed, .ok])
        #expect(results[3].report.host.state == .ok)
    }

    @Test func whatADeviceDeclaresThroughUdevApplies() throws {
        let declared = try #require(ComponentRule(udevProperties: ["HOSTHEALTH_IGNORE": "1", "ID_SERIAL": "x"]))
        #expect(host(PolicyConfig(), [verdict(sda, .failed, declared: declared)]).state == .ok)
        let immutable = ComponentRule(udevProperties: ["HOSTHEALTH_INTENT": "immutable"])
        #expect(host(PolicyConfig(), [verdict(md0, .converging, declared: immutable)]).state == .degraded)
        #expect(ComponentRule(udevProperties: ["ID_SERIAL": "x"]) == nil)
    }

    @Test func theConfigurationFileOverridesWhatTheDeviceDeclares() {
        let policy = PolicyConfig(components: [(LinkPattern("disk:*"), ComponentRule(ignore: false))])
        let declared = ComponentRule(ignore: true)
        #expect(host(policy, [verdict(sda, .failed, declared: declared)]).state == .failed)
    }

    @Test func aStaleReaderKeepsTheHostUnknownEvenWithIgnoredComponents() {
        let engine = HealthPolicy(config: AgentConfig(policy: PolicyConfig(kinds: [.disk: ComponentRule(ignore: true)])))
        let host = engine.evaluate(
            verdicts: [verdict(sda, .unknown)], readerProblems: ["disks reader stale"], memory: HealthMemory(), now: t0
        ).report.host
        #expect(host.state == .unknown)
        #expect(host.capacity == 0)
    }
}

@Suite("ConfigParser: policy")
struct PolicyConfigParserTests {
    @Test func policyReadsKindsComponentsAndCapacity() throws {
        let config = try ConfigParser(file: "t.yaml").parse("""
            policy:
              capacity: product
              kinds:
                array: {intent: immutable, converging_capacity: 50%, for: 0s, recover_after: 1m}
                sensor: {for: 2m}
              components:
                "link:eth1": {ignore: true}
                "md:4f1c*": {intent: converging}
            """)
        #expect(config.policy.capacity == .product)
        #expect(config.policy.kinds[.array] == ComponentRule(intent: .immutable, convergingCapacity: 0.5, worsenAfterSeconds: 0, recoverAfterSeconds: 60))
        #expect(config.policy.kinds[.sensor] == ComponentRule(worsenAfterSeconds: 120))
        #expect(config.policy.components.map(\.pattern.text) == ["link:eth1", "md:4f1c*"])
        #expect(config.policy.rule(for: ComponentID(kind: .link, key: "eth1")).ignore == true)
        #expect(config.hysteresis(for: ComponentID(kind: .array, key: "x")) == Hysteresis(recoverAfterSeconds: 60, worsenAfterSeconds: 0))
        #expect(config.hysteresis(for: ComponentID(kind: .link, key: "eth0")) == Hysteresis(recoverAfterSeconds: 10))
    }

    @Test(arguments: [
        ("policy:\n  kinds:\n    gpu: {ignore: true}\n", "policy.kinds.gpu"),
        ("policy:\n  kinds:\n    array: {intent: frozen}\n", "policy.kinds.array.intent"),
        ("policy:\n  kinds:\n    array: {converging_capacity: 0}\n", "policy.kinds.array.converging_capacity"),
        ("policy:\n  components:\n    eth1: {ignore: true}\n", "policy.components"),
        ("policy:\n  capacity: average\n", "policy.capacity"),
        ("policy:\n  components:\n    \"link:eth1\": {ignore: maybe}\n", "policy.components.link:eth1.ignore"),
    ])
    func badPolicyIsRefusedNamingTheKey(text: String, key: String) {
        #expect {
            try ConfigParser(file: "t.yaml").parse(text)
        } throws: { error in
            "\(error)".contains(key) && "\(error)".contains("t.yaml")
        }
    }
}
