import TestFixtures
import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
import Testing

@Suite("DiskHealth: disk verdicts and events through the policy")
struct DiskHealthTests {
    let t0 = Fixture.t0

    func disk(_ name: String, serial: String? = "S1", state: String? = "running", path: String? = nil) -> Disk {
        Disk(name: name, identity: DiskIdentity(model: "M", serial: serial, sysfsPath: path), deviceState: state)
    }

    func snapshot(
        _ disks: [Disk], smart: [String: SmartObservation]? = nil, errors: KernelDiskErrors? = nil
    ) -> HostSnapshot {
        var snapshot = HostSnapshot(readers: [ReaderStatus(name: "disks", lastSuccess: t0)])
        snapshot.disks = Dictionary(uniqueKeysWithValues: disks.map { ($0.name, $0) })
        snapshot.smart = smart
        snapshot.kernelDiskErrors = errors
        return snapshot
    }

    func evaluate(_ snapshot: HostSnapshot, after memory: HealthMemory = HealthMemory(), at now: Timestamp? = nil) -> HealthEvaluation {
        HealthPolicy(config: AgentConfig()).evaluate(previous: memory, snapshot: snapshot, now: now ?? t0)
    }

    @Test func runningDiskIsOkUnderItsStableID() throws {
        let result = evaluate(snapshot([disk("sda", serial: "WD-123")]))
        let component = try #require(result.report.components.first)
        #expect(component.id.description == "disk:serial-WD-123")
        #expect(component.name == "sda")
        #expect(component.state == .ok)
    }

    @Test func offlineDiskFails() {
        let result = evaluate(snapshot([disk("sda", state: "offline")]))
        #expect(result.report.components.first?.state == .failed)
        #expect(result.report.components.first?.reason == "device state offline")
        #expect(result.report.host.state == .failed)
    }

    @Test func twoDisksWithOneSerialGetDistinctIDs() {
        let result = evaluate(snapshot([disk("sda", serial: "X"), disk("sdb", serial: "X")]))
        #expect(Set(result.report.components.map(\.id.key)) == ["serial-X@sda", "serial-X@sdb"])
    }

    @Test func smartFailureFailsTheDisk() {
        let report = SmartReport(exitStatus: [.diskFailing], passed: false)
        let result = evaluate(snapshot([disk("sda")], smart: ["sda": SmartObservation(report: report, readAt: t0)]))
        #expect(result.report.components.first?.state == .failed)
        #expect(result.report.components.first?.reason == "SMART overall health: FAILED")
    }

    @Test func smartUnavailableIsAReasonNotAFailure() {
        let observation = SmartObservation(attemptedAt: t0, problem: "smartctl not found at /usr/sbin/smartctl")
        let result = evaluate(snapshot([disk("vda")], smart: ["vda": observation]))
        #expect(result.report.components.first?.state == .ok)
        #expect(result.report.components.first?.reason == "SMART unavailable: smartctl not found at /usr/sbin/smartctl")
        #expect(result.report.host.state == .ok)
    }

    @Test func smartDataOlderThanTwoIntervalsIsStaleButKept() {
        let report = SmartReport(exitStatus: [], passed: true, ataAttributes: [ATAAttribute(id: 5, name: "R", raw: 3)])
        let observation = SmartObservation(report: report, readAt: t0, attemptedAt: t0 + 7200, problem: "smartctl timed out after 30s")
        var current = snapshot([disk("sda")], smart: ["sda": observation])
        current.readers = [ReaderStatus(name: "disks", lastSuccess: t0 + 7200)]
        let component = evaluate(current, at: t0 + 7200).report.components.first
        #expect(component?.state == .degraded)
        #expect(component?.stale == true)
        #expect(component?.reason == "reallocated sectors 3; SMART not refreshed: smartctl timed out after 30s")
        current.readers = [ReaderStatus(name: "disks", lastSuccess: t0 + 3000)]
        #expect(evaluate(current, at: t0 + 3000).report.components.first?.stale == false, "within two intervals")
    }

    @Test func risingReallocatedSectorsAreANewTransition() {
        func observation(_ raw: Int64) -> [String: SmartObservation] {
            ["sda": SmartObservation(report: SmartReport(exitStatus: [], passed: true, ataAttributes: [ATAAttribute(id: 5, name: "R", raw: raw)]), readAt: t0)]
        }
        let first = evaluate(snapshot([disk("sda")], smart: observation(8)))
        let second = evaluate(snapshot([disk("sda")], smart: observation(16)), after: first.memory, at: t0 + 1800)
        let event = second.transitions.first { $0.event == "SmartErrorsRising" }
        #expect(event?.from == .degraded)
        #expect(event?.to == .degraded)
        #expect(event?.reason == "ata 5 rose from 8 to 16")
    }

    @Test func vanishedDiskIsDeviceDisappeared() {
        let first = evaluate(snapshot([disk("sda"), disk("sdb", serial: "S2")]))
        let second = evaluate(snapshot([disk("sda")]), after: first.memory, at: t0 + 1)
        let event = second.transitions.first { $0.event == "DeviceDisappeared" }
        #expect(event?.component?.description == "disk:serial-S2")
        #expect(event?.name == "sdb")
    }

    @Test func kernelErrorBurstDegradesAndQuietRecovers() {
        let sda = disk("sda", path: "pci0000:00/ata1/host0/target0:0:0/0:0:0:0")
        var errors = KernelDiskErrors()
        let first = evaluate(snapshot([sda], errors: errors))
        for _ in 0..<11 { errors.count(DiskTrouble(kind: .ioError, subject: "sda1")) }
        errors.count(DiskTrouble(kind: .reset, subject: "ata1"))
        let burst = evaluate(snapshot([sda], errors: errors), after: first.memory, at: t0 + 10)
        #expect(burst.report.components.first?.state == .degraded)
        #expect(burst.report.components.first?.reason == "12 kernel-reported errors in 5m (io_error, reset)")
        let quiet = evaluate(snapshot([sda], errors: errors), after: burst.memory, at: t0 + 400)
        let later = evaluate(snapshot([sda], errors: errors), after: quiet.memory, at: t0 + 500)
        #expect(later.report.components.first?.state == .ok)
    }

    @Test func subjectsBeyondTheCapAreCountedTogetherAsOther() {
        var errors = KernelDiskErrors()
        // An iSCSI target re-logging in gets a new host number each time.
        for host in 0..<(KernelDiskErrors.maxSubjects + 50) {
            errors.count(DiskTrouble(kind: .ioError, subject: "\(host):0:0:0"))
        }
        errors.count(DiskTrouble(kind: .ioError, subject: "0:0:0:0"))
        #expect(errors.bySubject.count == KernelDiskErrors.maxSubjects + 1)
        #expect(errors.bySubject["other"]?[.ioError] == 50)
        #expect(errors.bySubject["0:0:0:0"]?[.ioError] == 2)
        let total = errors.bySubject.values.reduce(0) { $0 + $1.values.reduce(0, +) }
        #expect(total == UInt64(KernelDiskErrors.maxSubjects + 51))
    }

    @Test func aFewKernelErrorsAreCountedWithoutDegrading() {
        var errors = KernelDiskErrors()
        let first = evaluate(snapshot([disk("sda")], errors: errors))
        errors.count(DiskTrouble(kind: .timeout, subject: "sda"))
        let second = evaluate(snapshot([disk("sda")], errors: errors), after: first.memory, at: t0 + 10)
        #expect(second.report.components.first?.state == .ok)
    }

    @Test func resettingControllerDegrades() {
        let result = evaluate(snapshot([disk("nvme0n1", state: "resetting")]))
        #expect(result.report.components.first?.state == .degraded)
        #expect(result.report.components.first?.reason == "device state resetting")
    }

    @Test func sleepingDiskKeepsItsLastVerdictAndSaysItWasNotWoken() {
        let report = SmartReport(exitStatus: [], passed: true, ataAttributes: [ATAAttribute(id: 197, name: "P", raw: 1)])
        let observation = SmartObservation(report: report, readAt: t0, attemptedAt: t0 + 1800, standby: true)
        var current = snapshot([disk("sdb")], smart: ["sdb": observation])
        current.readers = [ReaderStatus(name: "disks", lastSuccess: t0 + 1800)]
        let result = evaluate(current, at: t0 + 1800)
        #expect(result.report.components.first?.state == .degraded)
        #expect(result.report.components.first?.reason == "pending sectors 1; in standby, not woken for SMART")
        #expect(result.report.components.first?.stale == false)
    }
}
