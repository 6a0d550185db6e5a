import HostHealthConfig
import HostHealthModel
import Testing

@Suite("memory: how EDAC errors are read and judged")
struct MemoryConfigTests {
    let parser = ConfigParser(file: "/etc/hosthealth/hosthealth.yaml")

    @Test func defaultsAreTheReplacementRuleAndATenSecondPoll() throws {
        let memory = try parser.parse("").memory
        #expect(memory.ceRateMaxErrors == 24 && memory.ceRateWindowSeconds == 86_400)
        #expect(memory.intervalSeconds == 10 && memory.staleAfterSeconds == 60)
    }

    @Test func theRateIsAMappingOrOneWordAsMcelogWritesIt() throws {
        let mapping = try parser.parse("memory:\n  ce_rate: { max_errors: 10, window: 1h }\n  interval: 5s\n").memory
        #expect(mapping.ceRateMaxErrors == 10 && mapping.ceRateWindowSeconds == 3600 && mapping.intervalSeconds == 5)
        let word = try parser.parse("memory: { ce_rate: 100 / 24h }\n").memory
        #expect(word.ceRateMaxErrors == 100 && word.ceRateWindowSeconds == 86_400)
        #expect(try parser.parse("memory: { ce_rate: 50/1d }\n").memory.ceRateMaxErrors == 50)
    }

    @Test(arguments: [
        ("memory: { ce_rate: lots }\n", "memory.ce_rate"),
        ("memory: { ce_rate: 10/never }\n", "memory.ce_rate"),
        ("memory: { ce_rate: { max_errors: 10 } }\n", "memory.ce_rate"),
        ("memory: { ce_rate: { max_errors: 10, window: 1h, per: dimm } }\n", "memory.ce_rate.per"),
        ("memory: { interval: 10s, stale_after: 5s }\n", "memory.stale_after"),
        ("memory: { interval: 1ms }\n", "memory.interval"),
        ("memory: { colour: blue }\n", "memory.colour"),
    ])
    func refused(_ yaml: String, _ key: String) {
        do {
            _ = try parser.parse(yaml)
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.key == key, "\(error)")
            #expect(error.line == 1)
        }
    }
}
