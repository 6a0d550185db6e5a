import HostHealthModel
import HostHealthConfig
import Testing
import HostHealthPolicy

@Suite("ConfigParser: the arrays section")
struct ArrayConfigParserTests {
    let parser = ConfigParser(file: "/etc/hosthealth/hosthealth.yaml")

    @Test func defaultsAreTheDocumentedOnes() {
        let arrays = AgentConfig().arrays
        #expect(arrays.stallAfterSeconds == 600)
        #expect(arrays.pendingAfterSeconds == 3600)
        #expect(arrays.convergingCapacity == 0.5)
        #expect(arrays.errorsWindowSeconds == 3600)
        #expect(arrays.recoverAfterSeconds == 30)
        #expect(arrays.resyncIntervalSeconds == 10)
        #expect(arrays.staleAfterSeconds == 180)
    }

    @Test func everyKeyIsRead() throws {
        let config = try parser.parse("""
            arrays:
              stall_after: 5m
              pending_after: 2h
              converging_capacity: 75%
              errors_window: 10m
              recover_after: 1m
              resync_interval: 30s
              stale_after: 2m
            """)
        #expect(config.arrays == ArrayConfig(
            stallAfterSeconds: 300, pendingAfterSeconds: 7200, convergingCapacity: 0.75, errorsWindowSeconds: 600,
            recoverAfterSeconds: 60, resyncIntervalSeconds: 30, staleAfterSeconds: 120))
    }

    @Test func capacityAsAFraction() throws {
        #expect(try parser.parse("arrays:\n  converging_capacity: 0.25\n").arrays.convergingCapacity == 0.25)
    }

    @Test func staleAfterFollowsALongerResyncInterval() throws {
        #expect(try parser.parse("arrays:\n  resync_interval: 2m\n").arrays.staleAfterSeconds == 360)
    }

    @Test func arraysHaveTheirOwnRecoveryHold() throws {
        let config = try parser.parse("arrays:\n  recover_after: 2m\n")
        #expect(config.hysteresis(for: ComponentID(kind: .array, key: "x")).recoverAfterSeconds == 120)
        #expect(config.hysteresis(for: ComponentID(kind: .link, key: "eth0")).recoverAfterSeconds == 10)
    }

    @Test(arguments: [
        ("arrays:\n  stall_after: soon\n", 2, "arrays.stall_after"),
        ("arrays:\n  converging_capacity: 1.5\n", 2, "arrays.converging_capacity"),
        ("arrays:\n  converging_capacity: 150%\n", 2, "arrays.converging_capacity"),
        ("arrays:\n  stal_after: 5m\n", 2, "arrays.stal_after"),
        ("arrays:\n  resync_interval: 5m\n  stale_after: 1m\n", 3, "arrays.stale_after"),
    ])
    func badValuesAreRefusedWithTheirLineAndKey(_ yaml: String, _ line: Int, _ key: String) throws {
        do {
            _ = try parser.parse(yaml)
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.key == key, "\(error)")
        }
    }
}
