@testable import hostctl
import HostHealthModel
import HostHealthExposition
import Foundation
import Testing

@Suite("StatusTable: what `hostctl status` prints, and its exit codes")
struct StatusTableTests {
    static let since = "2026-11-27T21:54:00Z"

    func link(_ name: String, _ state: HealthState, _ reason: String = "", stale: Bool = false) -> StatusDocument.Component {
        StatusDocument.Component(kind: "link", id: "link:\(name)", name: name, state: state, reason: reason, stale: stale)
    }

    func document(
        _ state: HealthState, capacity: Double, reasons: [String] = [], maintenance: String? = nil,
        _ components: [StatusDocument.Component]
    ) -> StatusDocument {
        StatusDocument(
            host: StatusDocument.Host(state: state, capacity: capacity, since: Self.since, maintenance: maintenance, reasons: reasons),
            components: components)
    }

    var okHost: StatusDocument {
        document(.ok, capacity: 1, [link("eth0", .ok), link("eth1", .ok)])
    }

    var convergingHost: StatusDocument {
        document(.converging, capacity: 0.5, reasons: ["array md0: converging, recovering onto sdc1"], [
            link("eth0", .ok),
            StatusDocument.Component(
                kind: "array", id: "md:4f1c", name: "md0", state: .converging, reason: "recovering onto sdc1",
                progress: 0.42, etaSeconds: 420),
        ])
    }

    var degradedHost: StatusDocument {
        document(.degraded, capacity: 0, reasons: ["link bond0: degraded, speed 1000 Mb/s below declared 10000 Mb/s"], [
            link("eth0", .ok), link("bond0", .degraded, "speed 1000 Mb/s below declared 10000 Mb/s"),
        ])
    }

    var failedHost: StatusDocument {
        document(.failed, capacity: 0, reasons: ["link eth0: failed, required link has no carrier (operstate down)"], [
            link("eth0", .failed, "required link has no carrier (operstate down)"), link("eth1", .ok),
        ])
    }

    var unknownHost: StatusDocument {
        document(.unknown, capacity: 0, reasons: [
            "link eth0: unknown, links reader stale for 200s", "link eth1: unknown, links reader stale for 200s",
        ], [
            link("eth0", .unknown, "links reader stale for 200s", stale: true),
            link("eth1", .unknown, "links reader stale for 200s", stale: true),
        ])
    }

    var allStates: [StatusDocument] { [okHost, convergingHost, degradedHost, failedHost, unknownHost] }

    // MARK: - One table per host state

    @Test func aDriftedComponentShowsItsDriftEvenWhenOk() throws {
        var eth1 = link("eth1", .ok)
        eth1.drift = try JSONDecoderShim.drift(#"{"status":"changed","changes":[{"path":"mtu","from":"9000","to":"1500"}]}"#)
        var sda = StatusDocument.Component(kind: "disk", id: "disk:wwn-5000c500b2", name: "sda", state: .converging, reason: "rebuilding md0")
        sda.drift = try JSONDecoderShim.drift(
            #"{"status":"replaced","changes":[{"path":"wwn","from":"5000c500a1","to":"5000c500b2"},{"path":"serial","from":"A","to":"B"}],"deadline":"2026-12-07T10:00:00Z"}"#)
        var eth0 = link("eth0", .ok)
        eth0.drift = try JSONDecoderShim.drift(#"{"status":"in_sync","changes":[]}"#)
        let host = document(.converging, capacity: 0.5, [eth0, eth1, sda])
        let text = StatusTable(color: false).render(host)
        #expect(text.contains("drift changed: mtu 9000 → 1500"))
        #expect(text.contains("rebuilding md0; drift replaced: wwn 5000c500a1 → 5000c500b2 (+1 more), within 2026-12-07T10:00:00Z"))
        #expect(!text.contains("drift in_sync"))
        let problems = StatusTable(color: false, problemsOnly: true).render(host)
        #expect(problems.contains("eth1"), "an ok component that drifted is a problem to show")
        #expect(!problems.contains("eth0 "), "in sync and ok: counted, not shown")
        #expect(problems.contains("(1 more ok)"))
    }

    @Test func aHeldBackDrainShowsThePoolAndWhy() throws {
        var failed = document(.failed, capacity: 0, reasons: ["link eth0: failed, required link has no carrier"], [link("eth0", .failed)])
        failed.host.fleet = try JSONDecoderShim.fleet(
            #"{"pool":"web","budget":"denied","draining":3,"slots":3,"members":12,"held_back":"drain budget of pool web exhausted (3/3 draining of 12)","weight":0.5}"#)
        let text = StatusTable(color: false).render(failed)
        #expect(text.contains("FLEET pool web: denied (3/3 draining of 12)\n"))
        #expect(text.contains("  - held back, serving at 50%: drain budget of pool web exhausted (3/3 draining of 12)\n"))
        #expect(!StatusTable(color: false).render(okHost).contains("FLEET"), "no fleet section, no line")
    }

    @Test func okHostIsOneLineAndItsLinks() {
        #expect(StatusTable(color: false).render(okHost) == """
            HOST  OK  capacity 100%  since 2026-11-27T21:54:00Z

            KIND  NAME  STATE       REASON
            link  eth0  ok
            link  eth1  ok

            """)
    }

    @Test func convergingHostShowsProgressBarAndETA() {
        #expect(StatusTable(color: false).render(convergingHost) == """
            HOST  CONVERGING  capacity 50%  since 2026-11-27T21:54:00Z
              - array md0: converging, recovering onto sdc1

            KIND   NAME  STATE       REASON
            array  md0   converging  recovering onto sdc1  [########------------] 42% ETA 7m
            link   eth0  ok

            """)
    }

    @Test func degradedHostShowsItsReasonAndTheSlowLinkFirst() {
        #expect(StatusTable(color: false).render(degradedHost) == """
            HOST  DEGRADED  capacity 0%  since 2026-11-27T21:54:00Z
              - link bond0: degraded, speed 1000 Mb/s below declared 10000 Mb/s

            KIND  NAME   STATE       REASON
            link  bond0  degraded    speed 1000 Mb/s below declared 10000 Mb/s
            link  eth0   ok

            """)
    }

    @Test func failedHostShowsTheFailedLinkFirst() {
        #expect(StatusTable(color: false).render(failedHost) == """
            HOST  FAILED  capacity 0%  since 2026-11-27T21:54:00Z
              - link eth0: failed, required link has no carrier (operstate down)

            KIND  NAME  STATE       REASON
            link  eth0  failed      required link has no carrier (operstate down)
            link  eth1  ok

            """)
    }

    @Test func unknownHostMarksStaleComponents() {
        #expect(StatusTable(color: false).render(unknownHost) == """
            HOST  UNKNOWN  capacity 0%  since 2026-11-27T21:54:00Z
              - link eth0: unknown, links reader stale for 200s
              - link eth1: unknown, links reader stale for 200s

            KIND  NAME  STATE       REASON
            link  eth0  unknown     links reader stale for 200s (stale)
            link  eth1  unknown     links reader stale for 200s (stale)

            """)
    }

    // MARK: - Colour

    @Test func plainOutputHasNoEscapeBytes() {
        for document in allStates {
            let table = StatusTable(color: false).render(document)
            #expect(!table.utf8.contains(0x1B), "\(document.host.state)")
        }
    }

    @Test func colouredOutputPaintsEveryState() {
        for document in allStates {
            let table = StatusTable(color: true).render(document)
            #expect(table.utf8.contains(0x1B), "\(document.host.state)")
        }
    }

    @Test func colouredFailedHostIsBoldRed() {
        let table = StatusTable(color: true).render(failedHost)
        #expect(table.hasPrefix("HOST  \u{1B}[1;31mFAILED\u{1B}[0m  capacity 0%"))
        #expect(table.contains("link  eth0  \u{1B}[1;31mfailed\u{1B}[0m      required link has no carrier"))
    }

    @Test func colouredTableReadsAsThePlainOneWithoutEscapes() {
        for document in allStates {
            let coloured = StatusTable(color: true).render(document)
            let stripped = coloured.replacing(/\u{1B}\[[0-9;]*m/, with: "")
            #expect(stripped == StatusTable(color: false).render(document), "\(document.host.state)")
        }
    }

    // MARK: - Variants

    @Test func maintenanceIsShownOnTheHostLine() {
        let table = StatusTable(color: false).render(document(.degraded, capacity: 0, maintenance: "replacing sdb", []))
        #expect(table.hasPrefix("HOST  DEGRADED  capacity 0%  since 2026-11-27T21:54:00Z  maintenance: replacing sdb\n"))
    }

    @Test func problemsOnlyHidesOkComponentsAndCountsThem() {
        let table = StatusTable(color: false, problemsOnly: true).render(failedHost)
        #expect(table.hasSuffix("link  eth0  failed      required link has no carrier (operstate down)\n(1 more ok)\n"))
        #expect(!table.contains("eth1"))
    }

    @Test func problemsOnlyOnAHealthyHostSaysAllOk() {
        let table = StatusTable(color: false, problemsOnly: true).render(okHost)
        #expect(table == "HOST  OK  capacity 100%  since 2026-11-27T21:54:00Z\n\nall 2 components ok\n")
    }

    @Test func hostWithoutComponentsSaysSo() {
        let table = StatusTable(color: false).render(document(.ok, capacity: 1, []))
        #expect(table.hasSuffix("\nno components\n"))
    }

    @Test func etaOverAnHourIsInHoursAndMinutes() {
        let rebuilding = StatusDocument.Component(
            kind: "array", id: "md:4f1c", name: "md0", state: .converging, reason: "", progress: 0.1, etaSeconds: 5_400)
        let table = StatusTable(color: false).render(document(.converging, capacity: 0.5, [rebuilding]))
        #expect(table.contains("[##------------------] 10% ETA 1h30m\n"))
    }

    @Test func etaUnderAnHourKeepsItsSeconds() {
        let rebuilding = StatusDocument.Component(
            kind: "array", id: "md:4f1c", name: "md0", state: .converging, reason: "", progress: 0.9, etaSeconds: 90)
        let table = StatusTable(color: false).render(document(.converging, capacity: 0.5, [rebuilding]))
        #expect(table.contains("[##################--] 90% ETA 1m30s\n"))
    }

    @Test func staleComponentWithoutReasonIsMarkedStale() {
        let table = StatusTable(color: false).render(document(.unknown, capacity: 0, [link("eth0", .unknown, stale: true)]))
        #expect(table.hasSuffix("link  eth0  unknown     (stale)\n"))
    }

    // MARK: - Exit codes

    @Test(arguments: [
        (HealthState.ok, 0), (.converging, 1), (.degraded, 1), (.failed, 2), (.unknown, 3),
    ] as [(HealthState, Int32)])
    func exitCodeFollowsTheHostState(_ state: HealthState, _ code: Int32) {
        #expect(StatusExitCode.forState(state) == code)
    }

    @Test func unreachableAgentExitsAsUnknown() {
        #expect(StatusExitCode.unreachable == StatusExitCode.forState(.unknown))
    }
}

@Suite("StatusTable: kinds a host has dozens of")
struct StatusTableCountedKindsTests {
    func component(_ kind: String, _ name: String, _ state: HealthState, _ reason: String = "") -> StatusDocument.Component {
        StatusDocument.Component(kind: kind, id: "\(kind):\(name)", name: name, state: state, reason: reason)
    }

    @Test func okMemoryAndSensorsAreCountedAndABadDimmIsListed() {
        var components = (0..<3).map { component("memory", "DIMM_A\($0)", .ok) }
        components.append(component("memory", "DIMM_B1", .failed, "1 uncorrectable error since boot"))
        components.append(component("sensor", "coretemp-isa-0000/temp1", .ok))
        components.append(component("cpu", "package0", .ok))
        let document = StatusDocument(
            host: StatusDocument.Host(state: .failed, capacity: 0, since: "2026-11-27T21:54:00Z", maintenance: nil, reasons: []),
            components: components)
        let table = StatusTable(color: false).render(document)
        #expect(table.contains("memory  DIMM_B1   failed      1 uncorrectable error since boot\n"))
        #expect(table.contains("cpu     package0  ok\n"))
        #expect(!table.contains("DIMM_A1"))
        #expect(table.hasSuffix("(1 more sensor, 3 more memory components ok)\n"))
    }
}

/// A fleet standing as an agent serves it.
enum JSONDecoderShim {
    static func drift(_ json: String) throws -> StatusDocument.Drift {
        try JSONDecoder().decode(StatusDocument.Drift.self, from: Data(json.utf8))
    }

    static func fleet(_ json: String) throws -> StatusDocument.Fleet {
        try JSONDecoder().decode(StatusDocument.Fleet.self, from: Data(json.utf8))
    }
}
