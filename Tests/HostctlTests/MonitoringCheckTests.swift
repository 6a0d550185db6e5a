@testable import hostctl
import HostHealthModel
import HostHealthExposition
import Testing

@Suite("MonitoringCheck: hostctl check in the Nagios and node-problem-detector conventions")
struct MonitoringCheckTests {
    func document(
        _ state: HealthState, capacity: Double = 1, reasons: [String] = [], maintenance: String? = nil,
        components: [HealthState] = []
    ) -> StatusDocument {
        StatusDocument(
            host: .init(state: state, capacity: capacity, since: "2026-11-27T21:54:00Z", maintenance: maintenance, reasons: reasons),
            components: components.enumerated().map { index, state in
                .init(kind: "link", id: "link:eth\(index)", name: "eth\(index)", state: state, reason: "")
            })
    }

    @Test(arguments: [
        (HealthState.ok, Int32(0), "OK"), (.converging, 1, "WARNING"), (.degraded, 2, "CRITICAL"),
        (.failed, 2, "CRITICAL"), (.unknown, 3, "UNKNOWN"),
    ])
    func nagiosExitCodeAndWordFollowTheHostState(state: HealthState, code: Int32, word: String) {
        let result = MonitoringCheck.nagios(document(state))
        #expect(result.exitCode == code)
        #expect(result.output.hasPrefix(word + ": host \(state.rawValue)"))
    }

    @Test func nagiosIsOneLineWithPerfdata() {
        let result = MonitoringCheck.nagios(document(
            .converging, capacity: 0.5, reasons: ["array md0: converging, 42% | fast\nmore"],
            components: [.ok, .converging, .degraded]))
        #expect(result.output == "WARNING: host converging, capacity 50%: array md0: converging, 42% / fast more"
            + " | capacity=0.5;;;0;1 components=3 components_not_ok=2 converging=1 degraded=1 failed=0 unknown=0 maintenance=0\n")
    }

    @Test func nagiosWarnsDuringMaintenanceWhateverTheState() {
        let result = MonitoringCheck.nagios(document(.ok, maintenance: "rack move"))
        #expect(result.exitCode == 1)
        #expect(result.output.hasPrefix("WARNING: in maintenance (rack move); host ok"))
        #expect(result.output.hasSuffix("maintenance=1\n"))
    }

    @Test func nagiosUnreachableAgentIsUnknown() {
        let result = MonitoringCheck.nagiosUnreachable("cannot reach the agent")
        #expect(result == .init(exitCode: 3, output: "UNKNOWN: cannot reach the agent\n"))
    }

    @Test(arguments: [
        (HealthState.ok, Int32(0)), (.converging, 0), (.degraded, 1), (.failed, 1), (.unknown, 2),
    ])
    func problemDetectorExitCodeFollowsTheHostState(state: HealthState, code: Int32) {
        #expect(MonitoringCheck.problemDetector(document(state)).exitCode == code)
    }

    @Test func problemDetectorCountsMaintenanceAsAProblem() {
        let result = MonitoringCheck.problemDetector(document(.ok, maintenance: "bios"))
        #expect(result == .init(exitCode: 1, output: "maintenance: bios\n"))
    }

    @Test func problemDetectorMessageNamesTheFirstReason() {
        let result = MonitoringCheck.problemDetector(document(.failed, reasons: ["link eth0: failed, no carrier"]))
        #expect(result.output == "failed: link eth0: failed, no carrier\n")
    }

    @Test func problemDetectorMessageIsAtMost80BytesCutOnACharacterBoundary() {
        let reason = String(repeating: "é", count: 30) + String(repeating: "x", count: 10) + String(repeating: "€", count: 20)
        let result = MonitoringCheck.problemDetector(document(.failed, reasons: [reason]))
        let message = String(result.output.dropLast())
        #expect(message.utf8.count <= 80)
        #expect(message.hasSuffix("..."))
        #expect(String(validating: Array(message.utf8), as: UTF8.self) != nil)
        #expect(message.utf8.count >= 77, "cut no earlier than a character needs")
    }

    @Test func truncationLeavesShortTextAlone() {
        #expect(MonitoringCheck.truncated("short", toBytes: 80) == "short")
        #expect(MonitoringCheck.truncated(String(repeating: "a", count: 81), toBytes: 80) == String(repeating: "a", count: 77) + "...")
    }
}
