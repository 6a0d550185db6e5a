import HostHealthConfig
import HostHealthModel
import Testing

/// `agent_check:` and the softer `/health` answers: a weight for degraded, Envoy's degraded
/// header, and holding the last answer while unknown.
@Suite struct GradedSignalConfigTests {
    let parser = ConfigParser(file: "hosthealth.yaml")

    @Test func theDefaultsDrainAndGoDownAsBefore() throws {
        let config = try parser.parse("")
        #expect(config.agentCheck == AgentCheckConfig(degradedWeight: nil, holdUnknown: false))
        #expect(config.health.envoyDegraded == false)
        #expect(config.health.holdUnknown == false)
    }

    @Test func degradedAsAWeight() throws {
        #expect(try parser.parse("agent_check:\n  degraded: 25%\n").agentCheck.degradedWeight == 0.25)
        #expect(try parser.parse("agent_check:\n  degraded: drain\n").agentCheck.degradedWeight == nil)
    }

    @Test func holdingUnknownPerOutput() throws {
        let config = try parser.parse("agent_check:\n  unknown: hold\nhealth:\n  unknown: fail\n  envoy_degraded: true\n")
        #expect(config.agentCheck.holdUnknown)
        #expect(!config.health.holdUnknown)
        #expect(config.health.envoyDegraded)
        #expect(try parser.parse("health:\n  unknown: hold\n").health.holdUnknown)
    }

    @Test(arguments: [
        ("agent_check:\n  degraded: 0%\n", "agent_check.degraded: 0% is out of range 1%...100%"),
        ("agent_check:\n  degraded: down\n", "agent_check.degraded: expected drain or a weight such as 25%"),
        ("agent_check:\n  unknown: fail\n", "agent_check.unknown: expected down or hold"),
        ("health:\n  unknown: down\n", "health.unknown: expected fail or hold"),
        ("agent_check:\n  weight: 5%\n", "agent_check.weight"),
    ])
    func badValuesAreRefusedWithTheKey(_ text: String, _ message: String) {
        #expect(throws: ConfigError.self) { try parser.parse(text) }
        do {
            _ = try parser.parse(text)
        } catch {
            #expect(error.description.contains(message), "\(error)")
        }
    }
}
