import TestFixtures
import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
import HostHealthExposition
import Testing

@Suite("Maintenance: an operator's drain on top of the judged state")
struct MaintenancePolicyTests {
    let t0 = Fixture.t0
    let drain = Maintenance(reason: "replacing sdb", since: Fixture.t0, by: "alice")

    @Test func theHostCarriesTheMaintenanceReasonAndKeepsItsJudgedState() {
        var memory = HealthMemory()
        memory.maintenance = drain
        let report = HealthPolicy(config: AgentConfig()).evaluate(previous: memory, snapshot: HostSnapshot(), now: t0).report
        #expect(report.host.maintenance == "replacing sdb")
        #expect(report.host.state == .ok)
    }

    @Test func maintenanceAnswersItsOwnStatusCode() {
        let host = HostHealth(state: .ok, capacity: 1, since: t0, reasons: [], maintenance: "x")
        #expect(HealthOutputConfig().statusCode(for: host) == 503)
        #expect(HealthOutputConfig(maintenanceStatusCode: 429).statusCode(for: host) == 429)
        #expect(HealthOutputConfig().statusCode(for: HostHealth(state: .ok, capacity: 1, since: t0, reasons: [])) == 200)
    }

    @Test func theMaintenanceStatusCodeIsConfigurable() throws {
        let config = try ConfigParser(file: "t.yaml").parse("health:\n  status_codes: {maintenance: 429}\n")
        #expect(config.health.maintenanceStatusCode == 429)
    }

    @Test func agentCheckSaysMaintWithTheReason() {
        let host = HostHealth(state: .failed, capacity: 0, since: t0, reasons: ["link eth0: failed"], maintenance: "rack move")
        #expect(AgentCheckReply.line(for: host) == "maint #rack move\n")
    }

    @Test func aMaintenanceRecordReadsBackWhatWasWritten() {
        let record = Maintenance(reason: "quote \" and\nnewline", since: Timestamp(secondsSinceEpoch: 1_795_816_440.5), by: "uid 1000")
        #expect(Maintenance(json: record.json()) == record)
        #expect(Maintenance(json: Array("{\"reason\":\"x\"}".utf8)) == nil)
        #expect(Maintenance(json: Array(record.json().dropLast(5))) == nil)
    }

    @Test func theScrapeShowsMaintenanceAsZeroWhenOff() {
        let report = HealthReport(host: HostHealth(state: .ok, capacity: 1, since: t0, reasons: []), components: [], evaluatedAt: t0)
        let text = String(decoding: MetricsExposition.renderState(report: report, snapshot: HostSnapshot(), agent: AgentInfo(version: "t"), format: .text), as: UTF8.self)
        #expect(text.contains("hosthealth_maintenance 0\n"))
        #expect(!text.contains("hosthealth_maintenance_reason_info{"))
    }
}
