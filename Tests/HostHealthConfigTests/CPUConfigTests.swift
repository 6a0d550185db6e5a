import HostHealthConfig
import Testing

@Suite("cpu: how CPU packages are read and judged")
struct CPUConfigTests {
    let parser = ConfigParser(file: "/etc/hosthealth/hosthealth.yaml")

    @Test func defaultsAndEveryKey() throws {
        let defaults = try parser.parse("").cpu
        #expect(defaults.throttleForSeconds == 300 && defaults.mceRateMaxErrors == 100 && defaults.mceRateWindowSeconds == 86_400)
        let cpu = try parser.parse("cpu:\n  interval: 2s\n  stale_after: 30s\n  recover_after: 0s\n  throttling: { for: 1m }\n  mce_rate: 10/1h\n").cpu
        #expect(cpu.intervalSeconds == 2 && cpu.staleAfterSeconds == 30 && cpu.recoverAfterSeconds == 0)
        #expect(cpu.throttleForSeconds == 60 && cpu.mceRateMaxErrors == 10 && cpu.mceRateWindowSeconds == 3600)
        #expect(cpu.throttleGapSeconds == 5)
    }

    @Test func badValuesAreRefusedWithTheirKey() {
        for (yaml, key) in [("cpu: { throttling: { for: soon } }\n", "cpu.throttling.for"), ("cpu: { mce_rate: many }\n", "cpu.mce_rate"),
                            ("cpu: { interval: 2m }\n", "cpu.stale_after")] {
            do {
                _ = try parser.parse(yaml)
                Issue.record("accepted: \(yaml)")
            } catch {
                #expect(error.key == key, "\(error)")
            }
        }
    }
}
