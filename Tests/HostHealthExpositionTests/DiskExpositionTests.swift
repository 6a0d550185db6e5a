import TestFixtures
import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
import HostHealthExposition
@testable import hostctl
import Testing

@Suite("Disk metrics and status lines")
struct DiskExpositionTests {
    let t0 = Fixture.t0

    var snapshot: HostSnapshot {
        var snapshot = HostSnapshot(readers: [ReaderStatus(name: "disks", lastSuccess: t0)])
        let sda = Disk(
            name: "sda",
            identity: DiskIdentity(
                model: "WDC \"Red\"", serial: "WD-1", wwn: "0x50014ee2b1234567", firmware: "82.00A82",
                sizeBytes: 4_000_787_030_016, rotational: true, removable: false, transport: .sata),
            counters: DiskIOCounters(stat: "100 0 2048 50 40 0 1024 30 2 70 80 0 0 0 0 0 0\n"),
            deviceState: "running", ioErrorCount: 3)
        snapshot.disks = ["sda": sda]
        let report = SmartReport(
            exitStatus: [.errorLogEntries], passed: true,
            ataAttributes: [ATAAttribute(id: 5, name: "Reallocated_Sector_Ct", raw: 8)], temperatureCelsius: 41)
        snapshot.smart = ["sda": SmartObservation(report: report, readAt: t0, attemptedAt: t0)]
        var errors = KernelDiskErrors()
        errors.count(DiskTrouble(kind: .reset, subject: "sda1"))
        errors.count(DiskTrouble(kind: .ioError, subject: "sdq"))
        snapshot.kernelDiskErrors = errors
        return snapshot
    }

    func body() -> String {
        let report = HealthPolicy(config: AgentConfig()).evaluate(previous: HealthMemory(), snapshot: snapshot, now: t0).report
        return String(decoding: MetricsExposition.render(
            report: report, snapshot: snapshot, agent: AgentInfo(version: "0"), format: .text, now: t0 + 60), as: UTF8.self)
    }

    @Test func identityCountersAndSmartAreExposedInBaseUnits() {
        let lines = Set(body().split(separator: "\n").map(String.init))
        #expect(lines.contains(#"hosthealth_disk_info{disk="sda",id="disk:wwn-0x50014ee2b1234567",model="WDC \"Red\"",serial="WD-1",wwn="0x50014ee2b1234567",firmware="82.00A82",transport="sata",by_path=""} 1"#))
        #expect(lines.contains(#"hosthealth_disk_size_bytes{disk="sda"} 4000787030016"#))
        #expect(lines.contains(#"hosthealth_disk_read_bytes_total{disk="sda"} 1048576"#))
        #expect(lines.contains(#"hosthealth_disk_read_time_seconds_total{disk="sda"} 0.05"#))
        #expect(lines.contains(#"hosthealth_disk_io_in_flight{disk="sda"} 2"#))
        #expect(lines.contains(#"hosthealth_disk_scsi_io_errors_total{disk="sda"} 3"#))
        #expect(lines.contains(#"hosthealth_disk_device_state{disk="sda",state="running"} 1"#))
        #expect(lines.contains(#"hosthealth_disk_kernel_errors_total{disk="sda",kind="reset"} 1"#))
        #expect(lines.contains(#"hosthealth_disk_kernel_errors_total{disk="sdq",kind="io_error"} 1"#))
        #expect(lines.contains(#"hosthealth_disk_smart_passed{disk="sda"} 1"#))
        #expect(lines.contains(#"hosthealth_disk_smart_exit_status{disk="sda"} 64"#))
        #expect(lines.contains(#"hosthealth_disk_smart_attribute_raw{disk="sda",id="5",name="Reallocated_Sector_Ct"} 8"#))
        #expect(lines.contains(#"hosthealth_disk_temperature_celsius{disk="sda"} 41"#))
        #expect(lines.contains(#"hosthealth_disk_smart_last_read_timestamp_seconds{disk="sda"} 1795816440"#))
        #expect(lines.contains(#"hosthealth_disk_smart_stale{disk="sda"} 0"#))
    }

    @Test func statusTableShowsTheDisksDetailUnderItsRow() {
        let report = HealthPolicy(config: AgentConfig()).evaluate(previous: HealthMemory(), snapshot: snapshot, now: t0).report
        let id = ComponentID(kind: .disk, key: "wwn-0x50014ee2b1234567")
        let document = StatusDocument(report: report, details: [id: "WDC Red, serial WD-1"])
        let text = StatusTable(color: false).render(document)
        #expect(text.contains("disk  sda   degraded    reallocated sectors 8\n      WDC Red, serial WD-1\n"), "\(text)")
    }

    @Test func summaryNamesTheDriveAndItsCounters() throws {
        let disk = try #require(snapshot.disks?["sda"])
        let text = DiskSummary(disk: disk, smart: snapshot.smart?["sda"], smartEnabled: true, kernelErrors: [.reset: 1], now: t0 + 120).text
        #expect(text == "WDC \"Red\", serial WD-1, wwn 0x50014ee2b1234567, firmware 82.00A82, sata, 3.6 TiB, rotational | read 1.0 MiB in 100 ops, written 512.0 KiB in 40 ops, busy 0s, in flight 2 | state running, ioerr_cnt 3, kernel errors reset 1 | SMART passed, 41 °C, read 2m ago")
    }
}
