import HostHealthConfig
import HostHealthModel
import HostHealthPolicy
import Testing

@Suite("CPUHealth: throttling and machine checks per package")
struct CPUHealthTests {
    struct Host {
        var config = AgentConfig()
        var memory = HealthMemory()
        var cpu: CPUSnapshot

        init(packages: [CPUPackage]) {
            config.cpu = CPUConfig(intervalSeconds: 10, recoverAfterSeconds: 0, throttleForSeconds: 300, mceRateMaxErrors: 2, mceRateWindowSeconds: 3600)
            cpu = CPUSnapshot(packages: packages)
        }

        mutating func judge(at seconds: Double) -> (report: HealthReport, next: Timestamp?) {
            let now = Timestamp(secondsSinceEpoch: seconds)
            var snapshot = HostSnapshot(readers: [ReaderStatus(name: "cpu", lastSuccess: now)])
            snapshot.cpu = cpu
            let result = HealthPolicy(config: config).evaluate(previous: memory, snapshot: snapshot, now: now)
            memory = result.memory
            return (result.report, result.nextChange)
        }

        func package(_ report: HealthReport, _ id: Int) -> ComponentHealth? {
            report.components.first { $0.id == CPUHealth.id(id) }
        }

        mutating func machineCheck(package: Int, uncorrected: Bool) {
            cpu.machineChecks.records[KernelMachineChecks.Key(package: package, bank: 7, uncorrected: uncorrected), default: 0] += 1
            cpu.machineChecks.last[package] = "CPU 0 bank 7 status 0x..."
        }
    }

    static func packages(throttles: UInt64) -> [CPUPackage] {
        [CPUPackage(id: 0, cpus: [0, 1], packageThrottles: 0, coreThrottles: 0), CPUPackage(id: 1, cpus: [2, 3], packageThrottles: throttles, coreThrottles: 0)]
    }

    @Test func throttlingThatKeepsRisingPastForDegradesThePackage() {
        var host = Host(packages: Self.packages(throttles: 100))
        #expect(host.judge(at: 1000).report.host.state == .ok, "a count since boot is not a rise")
        var seconds = 1000.0
        var count: UInt64 = 100
        var last: (report: HealthReport, next: Timestamp?)!
        while seconds < 1000 + 290 {
            seconds += 10
            count += 5
            host.cpu.packages[1].packageThrottles = count
            last = host.judge(at: seconds)
        }
        #expect(host.package(last.report, 1)?.state == .ok)
        #expect(host.package(last.report, 1)?.reason == "thermal throttling")
        #expect(last.next == Timestamp(secondsSinceEpoch: 1010 + 300), "the package turns degraded when `for` has passed")
        host.cpu.packages[1].packageThrottles = count + 5
        last = host.judge(at: 1010 + 300)
        #expect(host.package(last.report, 1)?.state == .degraded)
        #expect(host.package(last.report, 1)?.reason == "thermal throttling for over 5m")
        #expect(host.package(last.report, 0)?.state == .ok)
        // It stops rising: a gap of two polls and a second later it is no longer throttling.
        last = host.judge(at: 1010 + 300 + 21.5)
        #expect(host.package(last.report, 1)?.state == .ok && host.package(last.report, 1)?.reason == "")
    }

    @Test func aShortBurstOfThrottlingStaysOk() {
        var host = Host(packages: Self.packages(throttles: 0))
        _ = host.judge(at: 100)
        host.cpu.packages[1].packageThrottles = 3
        #expect(host.package(host.judge(at: 110).report, 1)?.reason == "thermal throttling")
        #expect(host.package(host.judge(at: 140).report, 1)?.reason == "")
        host.cpu.packages[1].packageThrottles = 4
        _ = host.judge(at: 150)
        #expect(host.memory.throttling[CPUHealth.id(1)]?.risingSince == Timestamp(secondsSinceEpoch: 150), "a new rise after a gap starts afresh")
    }

    @Test func kernelLogThrottleNoticesCountAsRises() {
        var host = Host(packages: Self.packages(throttles: 0))
        _ = host.judge(at: 100)
        host.cpu.machineChecks.throttleNotices[0] = 1
        #expect(host.package(host.judge(at: 101).report, 0)?.reason == "thermal throttling")
    }

    @Test func correctedMachineChecksAboveTheRateDegradeAndUncorrectedOnesFail() {
        var host = Host(packages: Self.packages(throttles: 0))
        _ = host.judge(at: 100)
        for _ in 0..<3 { host.machineCheck(package: 0, uncorrected: false) }
        var report = host.judge(at: 110).report
        #expect(host.package(report, 0)?.state == .degraded)
        #expect(host.package(report, 0)?.reason == "3 corrected machine checks in 1h (more than 2); last: CPU 0 bank 7 status 0x...")
        host.machineCheck(package: 1, uncorrected: true)
        report = host.judge(at: 120).report
        #expect(host.package(report, 1)?.state == .failed)
        #expect(report.host.state == .failed)
        report = host.judge(at: 110 + 3600).report
        #expect(host.package(report, 0)?.state == .ok, "the corrected ones left the window")
        #expect(host.package(report, 1)?.state == .failed, "an uncorrected one holds until the next boot")
    }

    @Test func aVirtualMachineWithoutCountsOrMachineChecksHasNoCpuComponents() {
        var host = Host(packages: [CPUPackage(id: 0, cpus: [0, 1, 2, 3])])
        #expect(host.judge(at: 100).report.components.isEmpty)
        host.machineCheck(package: -1, uncorrected: false)
        let report = host.judge(at: 110).report
        #expect(report.components.map(\.id.key) == ["unknown-package"])
    }
}
