import TestFixtures
import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
import HostHealthExposition
import Testing

@Suite("Drift outputs: hostctl diff, its JSON, accept and the scrape")
struct DriftExpositionTests {
    let slot2 = "pci-0000:3b:00.0-sas-phy2-lun-0"

    var report: DriftReport {
        DriftReport(items: [
            DriftItem(
                kind: .disk, id: "wwn-0xa2", status: .converging, intent: .converging,
                declared: BaselineItem(kind: .disk, id: "wwn-0xa2", slot: slot2),
                actual: BaselineItem(kind: .disk, id: "wwn-0xb2", slot: slot2, name: "sdd"),
                changes: [DriftChange(path: "id", from: "wwn-0xa2", to: "wwn-0xb2")], deadline: Fixture.t0 + 3600,
                note: "replaced, rebuilding md0 42%, ETA 2h, within 72h", progress: 0.42, etaSeconds: 7200),
            DriftItem(kind: .link, id: "eth1", status: .missing, intent: .converging, declared: BaselineItem(kind: .link, id: "eth1"),
                      actual: nil, effect: .degrade, note: "declared, not on the host"),
            DriftItem(kind: .link, id: "eth0", status: .inSync, intent: .converging, declared: nil, actual: nil),
        ], expected: [.disk: 1, .link: 2], present: [.disk: 1, .link: 1])
    }

    var document: DiffDocument {
        DiffDocument(report: report, baseline: BaselineReference(path: "/etc/hosthealth/baseline.yaml", sha256: "ab"), wallClockOffset: 0)
    }

    @Test func diffShowsOneLinePerDeviatingItemAndASummary() {
        #expect(DiffText(color: false).render(document) == """
            ~ disk wwn-0xa2: id wwn-0xa2 → wwn-0xb2 (replaced, rebuilding md0 42%, ETA 2h, within 72h)
            - link eth1: declared, not on the host (missing, degrade)
            drift: 1 converging, 1 in_sync, 1 missing

            """)
    }

    @Test func colourOnlyWhenAsked() {
        #expect(DiffText(color: true).render(document).contains("\u{1B}[31m- link eth1"))
        #expect(!DiffText(color: false).render(document).contains("\u{1B}"))
    }

    @Test func diffJSONHasTheIssuesShape() throws {
        let text = String(decoding: document.json(), as: UTF8.self)
        #expect(text.hasPrefix(#"{"baseline":{"path":"/etc/hosthealth/baseline.yaml","sha256":"ab"},"exit_code":2,"format_version":1,"#))
        #expect(text.contains(#""changes":[{"from":"wwn-0xa2","path":"id","to":"wwn-0xb2"}]"#))
        #expect(text.contains(#""summary":{"converging":1,"in_sync":1,"missing":1}"#))
        #expect(!text.contains(#""id":"eth0""#), "items in sync are not listed")
    }

    @Test func acceptTakesTheReplacementIntoTheDiskAndItsArray() throws {
        let baseline = Baseline(items: [
            BaselineItem(kind: .disk, id: "wwn-0xa2", slot: slot2),
            BaselineItem(kind: .array, id: "u1", attributes: ["member.1": "wwn-0xa2", "member.1.slot": slot2]),
        ])
        let accepted = try BaselineAcceptance.accept(["disk:wwn-0xa2"], in: baseline, diff: document)
        #expect(accepted.items(of: .disk).map(\.id) == ["wwn-0xb2"])
        #expect(accepted.items(of: .array).first?.attributes["member.1"] == "wwn-0xb2")
    }

    @Test func acceptOfAMissingItemDropsIt() throws {
        let baseline = Baseline(items: [BaselineItem(kind: .link, id: "eth1")])
        #expect(try BaselineAcceptance.accept(["link:eth1"], in: baseline, diff: document).items.isEmpty)
    }

    @Test func acceptRefusesAnItemThatDoesNotDeviate() {
        #expect(throws: BaselineAcceptance.Refusal.self) {
            try BaselineAcceptance.accept(["link:eth9"], in: Baseline(), diff: document)
        }
    }

    @Test func patchShowsRemovedAndAddedLines() {
        #expect(BaselineAcceptance.patch(from: "a\nb\nc\n", to: "a\nB\nc\n", path: "f") == "--- f\n+++ f\n a\n-b\n+B\n c\n")
    }

    @Test func scrapeHasBaselineCountsAndOnlyDeviatingItems() {
        var health = HealthReport(host: HostHealth(state: .ok, capacity: 1, since: Fixture.t0, reasons: []), components: [], evaluatedAt: Fixture.t0)
        health.drift = report
        health.baseline = BaselineReference(path: "/b", sha256: "ab")
        let text = String(decoding: MetricsExposition.renderState(
            report: health, snapshot: HostSnapshot(), agent: AgentInfo(version: "t"), format: .text), as: UTF8.self)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains(#"hosthealth_baseline_info{sha256="ab"} 1"#))
        #expect(lines.contains(#"hosthealth_components_expected{kind="link"} 2"#))
        #expect(lines.contains(#"hosthealth_components_present{kind="link"} 1"#))
        #expect(lines.contains(#"hosthealth_drift_items{kind="link",status="missing"} 1"#))
        #expect(lines.contains(#"hosthealth_drift_item{kind="link",id="eth1",status="missing",effect="degrade"} 1"#))
        #expect(!text.contains(#"id="eth0""#))
        #expect(lines.contains { $0.hasPrefix(#"hosthealth_drift_deadline_timestamp_seconds{kind="disk",id="wwn-0xa2"}"#) })
    }

    @Test func noBaselineMeansNoDriftSeries() {
        let health = HealthReport(host: HostHealth(state: .ok, capacity: 1, since: Fixture.t0, reasons: []), components: [], evaluatedAt: Fixture.t0)
        let text = String(decoding: MetricsExposition.renderState(
            report: health, snapshot: HostSnapshot(), agent: AgentInfo(version: "t"), format: .text), as: UTF8.self)
        #expect(!text.contains("baseline") && !text.contains("drift"))
    }
}
