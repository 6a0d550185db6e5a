@testable import hostctl
import HostHealthModel
import HostHealthExposition
import Testing

@Suite("StatusTable: sensors that are not ok as rows, the rest as a count")
struct SensorStatusTableTests {
    func sensor(_ key: String, _ state: HealthState, _ reason: String = "") -> StatusDocument.Component {
        StatusDocument.Component(kind: "sensor", id: "sensor:\(key)", name: key, state: state, reason: reason)
    }

    func document(_ state: HealthState, _ components: [StatusDocument.Component]) -> StatusDocument {
        StatusDocument(
            host: StatusDocument.Host(state: state, capacity: state == .ok ? 1 : 0, since: "2026-11-27T21:54:00Z", maintenance: nil, reasons: []),
            components: components)
    }

    @Test func okSensorsAreCountedNotListed() {
        let table = StatusTable(color: false).render(document(.degraded, [
            StatusDocument.Component(kind: "link", id: "link:eth0", name: "eth0", state: .ok, reason: ""),
            sensor("coretemp-isa-0000/temp1", .degraded, "temperature above max 80 °C"),
            sensor("coretemp-isa-0000/temp2", .ok),
            sensor("coretemp-isa-0001/temp1", .ok),
        ]))
        #expect(table.contains("sensor  coretemp-isa-0000/temp1  degraded    temperature above max 80 °C"))
        #expect(table.contains("link    eth0"))
        #expect(!table.contains("coretemp-isa-0000/temp2"))
        #expect(table.hasSuffix("(2 more sensors ok)\n"))
    }

    @Test func aHostWhoseOnlyComponentsAreOkSensorsSaysTheyAreOk() {
        let table = StatusTable(color: false).render(document(.ok, [sensor("coretemp-isa-0000/temp1", .ok)]))
        #expect(table.hasSuffix("\nall 1 components ok\n"))
    }

    @Test func oneOkSensorIsSingular() {
        let table = StatusTable(color: false).render(document(.failed, [
            sensor("nct6779-isa-0290/fan2", .degraded, "fan stopped (min 300 rpm)"),
            sensor("nct6779-isa-0290/in0", .ok),
        ]))
        #expect(table.hasSuffix("(1 more sensor ok)\n"))
    }
}
