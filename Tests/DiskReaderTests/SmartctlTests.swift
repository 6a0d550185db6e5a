import DiskReader
import Glibc
import HostHealthModel
import Testing

/// smartctl replaced by small stand-in scripts: one that hangs, one that prints garbage, one
/// that prints a report. The real program is run through the same spawn path.
@Suite("Smartctl: one run per disk, killed at its timeout")
struct SmartctlTests {
    /// Writes an executable script into a fresh directory and returns its path.
    func standIn(_ body: String) throws -> String {
        var template = Array("/tmp/hosthealth-smartctl-XXXXXX".utf8CString)
        let directory = try template.withUnsafeMutableBufferPointer { buffer -> String in
            guard let base = buffer.baseAddress, let made = mkdtemp(base) else { throw Errno(errno) }
            return String(cString: made)
        }
        let path = "\(directory)/smartctl"
        guard let file = fopen(path, "w") else { throw Errno(errno) }
        fputs("#!/bin/sh\n" + body + "\n", file)
        fclose(file)
        chmod(path, 0o755)
        return path
    }

    func monotonic() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    @Test func hangingSmartctlIsKilledAtItsTimeout() throws {
        let path = try standIn("sleep 30")
        let started = monotonic()
        let attempt = Smartctl(path: path, timeoutSeconds: 0.3).run(disk: "sda")
        let took = monotonic() - started
        #expect(attempt == .timedOut(seconds: 0.3))
        #expect(took < 5, "took \(took)s; the sleeping child must not hold the run")
    }

    @Test func smartctlThatClosesItsOutputButLingersIsKilledToo() throws {
        let path = try standIn("exec >&-\nsleep 30")
        #expect(Smartctl(path: path, timeoutSeconds: 0.3).run(disk: "sda") == .timedOut(seconds: 0.3))
    }

    @Test func outputIsCapturedWithTheArgumentsPassed() throws {
        let path = try standIn(#"echo "{\"smartctl\":{\"messages\":[{\"string\":\"$*\",\"severity\":\"error\"}]}}""#)
        let attempt = Smartctl(path: path, timeoutSeconds: 5).run(disk: "nvme0n1")
        guard case .report(let report) = attempt else {
            Issue.record("not parsed as smartctl's JSON: \(attempt)")
            return
        }
        #expect(report.messages == ["--json --nocheck=standby -a /dev/nvme0n1"])
    }

    @Test func garbageOutputYieldsAReason() throws {
        let path = try standIn("echo 'Segmentation fault'; exit 139")
        var observation = SmartObservation()
        observation.record(Smartctl(path: path, timeoutSeconds: 5).run(disk: "sda"), at: Timestamp(secondsSinceEpoch: 10))
        #expect(observation.report == nil)
        #expect(observation.problem?.hasPrefix("smartctl printed no valid JSON") == true)
    }

    @Test func missingSmartctlIsAClearReason() {
        let attempt = Smartctl(path: "/nonexistent/smartctl", timeoutSeconds: 1).run(disk: "sda")
        #expect(attempt == .notInstalled("smartctl not found at /nonexistent/smartctl; install smartmontools or set smart.smartctl"))
    }

    @Test func diskNamesCannotReachOutsideDev() {
        #expect(Smartctl(path: "/bin/true", timeoutSeconds: 1).run(disk: "../etc/passwd") == .cannotRun("'../etc/passwd' is not a disk name"))
    }

    @Test(.enabled(if: access("/usr/sbin/smartctl", X_OK) == 0 && access("/dev/vda", F_OK) == 0, "needs smartctl and vda"))
    func realSmartctlOnThisMachinesVirtioDiskSaysWhySmartIsUnavailable() {
        var observation = SmartObservation()
        observation.record(Smartctl(path: "/usr/sbin/smartctl", timeoutSeconds: 30).run(disk: "vda"), at: Timestamp(secondsSinceEpoch: 10))
        #expect(observation.report == nil)
        #expect(observation.problem?.contains("Unable to detect device type") == true, "\(observation.problem ?? "nil")")
    }
}
