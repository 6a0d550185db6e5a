import TestFixtures
import HostHealthModel
import DiskReader
import Testing

@Suite("SmartObservation: each smartctl attempt folded into what is known of a disk")
struct SmartObservationTests {
    let t0 = Fixture.t0
    let good = Array("""
        {"smartctl":{"exit_status":0},"device":{"name":"/dev/sda","type":"sat","protocol":"ATA"},
         "smart_status":{"passed":true},
         "ata_smart_attributes":{"table":[{"id":5,"name":"Reallocated_Sector_Ct","raw":{"value":0}}]}}
        """.utf8)
    let standby = Array("""
        {"smartctl":{"exit_status":2,"messages":[{"string":"Device is in STANDBY mode, exit(2)","severity":"information"}]}}
        """.utf8)

    @Test func goodReadReplacesTheReport() {
        var observation = SmartObservation()
        observation.record(SmartAttempt(smartctlOutput: good), at: t0)
        #expect(observation.report?.passed == true)
        #expect(observation.readAt == t0)
        #expect(observation.problem == nil)
    }

    @Test func standbyKeepsTheLastDataAndSaysSo() {
        var observation = SmartObservation()
        observation.record(SmartAttempt(smartctlOutput: good), at: t0)
        observation.record(SmartAttempt(smartctlOutput: standby), at: t0 + 1800)
        #expect(observation.standby)
        #expect(observation.report?.passed == true)
        #expect(observation.readAt == t0)
        #expect(observation.attemptedAt == t0 + 1800)
    }

    @Test func timeoutKeepsTheLastDataWithAReason() {
        var observation = SmartObservation()
        observation.record(SmartAttempt(smartctlOutput: good), at: t0)
        observation.record(.timedOut(seconds: 30), at: t0 + 1800)
        #expect(observation.report != nil)
        #expect(observation.problem == "smartctl timed out after 30s and was killed")
    }

    @Test func deviceSmartctlCannotTalkToIsAProblemNotAReport() {
        var observation = SmartObservation()
        observation.record(SmartAttempt(smartctlOutput: Array("""
            {"smartctl":{"exit_status":1,"messages":[{"string":"/dev/vda: Unable to detect device type","severity":"error"}]}}
            """.utf8)), at: t0)
        #expect(observation.report == nil)
        #expect(observation.problem == "smartctl stopped before reading the disk (command line or device type): /dev/vda: Unable to detect device type")
    }
}
