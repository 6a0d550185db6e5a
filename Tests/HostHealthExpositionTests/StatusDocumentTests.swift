import TestFixtures
import Foundation
import HostHealthModel
import HostHealthPolicy
import HostHealthExposition
import Testing

@Suite("StatusDocument: the JSON of /status and hostctl status --json")
struct StatusDocumentTests {
    let t0 = Fixture.t0

    /// The design's example: an array healing, a link fine.
    var report: HealthReport {
        HealthReport(
            host: HostHealth(
                state: .converging, capacity: 0.5, since: t0, reasons: ["array md0: converging, recovering onto sdc1"]),
            components: [
                ComponentHealth(
                    id: ComponentID(kind: .array, key: "4f1c"), name: "md0", state: .converging,
                    reason: "recovering onto sdc1", since: t0, progress: 0.42, etaSeconds: 420),
                ComponentHealth(id: ComponentID(kind: .link, key: "eth0"), name: "eth0", state: .ok, reason: "", since: t0 + -3600),
            ],
            evaluatedAt: t0 + 5)
    }

    /// The bytes the agent serves, parsed back.
    func json(_ document: StatusDocument) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(document.json())) as? [String: Any])
    }

    func json(_ document: HealthDocument) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(document.json())) as? [String: Any])
    }

    func host(_ document: StatusDocument) throws -> [String: Any] {
        try #require(try json(document)["host"] as? [String: Any])
    }

    func components(_ document: StatusDocument) throws -> [[String: Any]] {
        try #require(try json(document)["components"] as? [[String: Any]])
    }

    @Test func topLevelHasHostAndComponents() throws {
        let keys = try json(StatusDocument(report: report)).keys
        #expect(Set(keys).isSuperset(of: ["host", "components"]))
    }

    @Test func hostCarriesStateCapacitySinceMaintenanceAndReasons() throws {
        let host = try host(StatusDocument(report: report))
        #expect(host["state"] as? String == "converging")
        #expect(host["capacity"] as? Double == 0.5)
        #expect(host["since"] as? String == "2026-11-27T21:54:00Z")
        #expect(host["reasons"] as? [String] == ["array md0: converging, recovering onto sdc1"])
    }

    @Test func maintenanceIsNullWhenNoOperatorDrainIsOn() throws {
        let host = try host(StatusDocument(report: report))
        #expect(host.keys.contains("maintenance"))
        #expect(host["maintenance"] is NSNull)
    }

    @Test func maintenanceIsTheOperatorsReasonWhenOn() throws {
        var report = report
        report.host.maintenance = "replacing sdb"
        #expect(try host(StatusDocument(report: report))["maintenance"] as? String == "replacing sdb")
    }

    @Test func componentCarriesKindIdNameStateReasonProgressETAAndStale() throws {
        let array = try #require(try components(StatusDocument(report: report)).first)
        #expect(array["kind"] as? String == "array")
        #expect(array["id"] as? String == "md:4f1c")
        #expect(array["name"] as? String == "md0")
        #expect(array["state"] as? String == "converging")
        #expect(array["reason"] as? String == "recovering onto sdc1")
        #expect(array["progress"] as? Double == 0.42)
        #expect(array["eta_seconds"] as? Double == 420)
        #expect(array["stale"] as? Bool == false)
    }

    @Test func componentSinceIsRFC3339() throws {
        let link = try #require(try components(StatusDocument(report: report)).last)
        #expect(link["since"] as? String == "2026-11-27T20:54:00Z")
    }

    @Test func etaIsWrittenInSnakeCase() throws {
        let array = try #require(try components(StatusDocument(report: report)).first)
        #expect(!array.keys.contains("etaSeconds"))
    }

    @Test func staleComponentSaysSo() throws {
        var report = report
        report.components[1].stale = true
        let link = try #require(try components(StatusDocument(report: report)).last)
        #expect(link["stale"] as? Bool == true)
    }

    @Test func componentsKeepTheReportsOrder() throws {
        let names = try components(StatusDocument(report: report)).map { $0["name"] as? String }
        #expect(names == ["md0", "eth0"])
    }

    @Test func documentSurvivesARoundTripThroughJSON() throws {
        let document = StatusDocument(report: report)
        let decoded = try JSONDecoder().decode(StatusDocument.self, from: JSONEncoder().encode(document))
        #expect(decoded == document)
    }

    @Test func servedJSONDecodesToTheSameDocument() throws {
        var document = StatusDocument(report: report)
        document.components[1].reason = "quote \" backslash \\ newline \n tab \t bell \u{07} é"
        document.host.maintenance = "swap \"disk\""
        let decoded = try JSONDecoder().decode(StatusDocument.self, from: Data(document.json()))
        #expect(decoded == document)
    }

    @Test func designExampleDecodes() throws {
        let example = """
            { "host": { "state": "converging", "capacity": 0.5, "since": "2026-11-27T21:54:00Z",
                        "maintenance": null, "reasons": ["array md0: recovering, 42% done, ETA 7m"] },
              "components": [
                { "kind": "array", "id": "md:4f1c", "name": "md0", "state": "converging",
                  "reason": "recovering onto sdc1", "progress": 0.42, "eta_seconds": 420, "stale": false },
                { "kind": "link", "id": "link:eth0", "name": "eth0", "state": "ok", "reason": "", "stale": false } ] }
            """
        let document = try JSONDecoder().decode(StatusDocument.self, from: Data(example.utf8))
        #expect(document.host.maintenance == nil)
        #expect(document.components.map(\.state) == [.converging, .ok])
        #expect(document.components.first?.etaSeconds == 420)
    }

    @Test func healthDocumentCarriesStateCapacitySinceReasonsAndComponentStates() throws {
        let health = try json(HealthDocument(report: report))
        #expect(health["state"] as? String == "converging")
        #expect(health["capacity"] as? Double == 0.5)
        #expect(health["since"] as? String == "2026-11-27T21:54:00Z")
        #expect(health["reasons"] as? [String] == ["array md0: converging, recovering onto sdc1"])
        #expect(health["components"] as? [String: String] == ["md:4f1c": "converging", "link:eth0": "ok"])
    }
}
