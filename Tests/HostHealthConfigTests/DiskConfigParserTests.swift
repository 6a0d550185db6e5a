import HostHealthModel
import HostHealthConfig
import Testing
import HostHealthPolicy

@Suite("ConfigParser: the disks, smart and kmsg sections")
struct DiskConfigParserTests {
    let parser = ConfigParser(file: "hosthealth.yaml")

    @Test func defaultsAreTheIssuesOnes() {
        let config = AgentConfig()
        #expect(config.smart.smartctl == "/usr/sbin/smartctl")
        #expect(config.smart.intervalSeconds == 1800)
        #expect(config.smart.timeoutSeconds == 30)
        #expect(config.smart.concurrency == 2)
        #expect(config.kmsg.burstMaxErrors == 10)
    }

    @Test func sectionsAreRead() throws {
        let config = try parser.parse("""
            disks: { refresh_interval: 5s, recover_after: 2m, stale_after: 1m }
            smart: { smartctl: /opt/bin/smartctl, interval: 1h, timeout: 10s, concurrency: 1 }
            kmsg: { burst: { max_errors: 3, window: 1m } }
            """)
        #expect(config.disks == DiskConfig(refreshIntervalSeconds: 5, recoverAfterSeconds: 120, staleAfterSeconds: 60))
        #expect(config.smart == SmartConfig(smartctl: "/opt/bin/smartctl", intervalSeconds: 3600, timeoutSeconds: 10, concurrency: 1))
        #expect(config.kmsg == KernelLogConfig(burstMaxErrors: 3, burstWindowSeconds: 60))
        #expect(config.hysteresis(for: ComponentID(kind: .disk, key: "x")).recoverAfterSeconds == 120)
    }

    @Test func relativeSmartctlPathIsRefusedWithItsKey() throws {
        do {
            _ = try parser.parse("smart:\n  smartctl: smartctl\n")
            Issue.record("accepted a relative path")
        } catch {
            #expect(error.key == "smart.smartctl")
            #expect(error.line == 2)
        }
    }

    @Test func unknownSmartKeyIsRefused() throws {
        do {
            _ = try parser.parse("smart:\n  intervall: 1h\n")
            Issue.record("accepted a typo")
        } catch {
            #expect(error.key == "smart.intervall")
        }
    }
}
