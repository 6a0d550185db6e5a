internal import HostHealthModel
internal import HostHealthPolicy
internal import HostHealthConfig

/// The `hosthealth_disk_*` families: identity, I/O counters, device state, kernel-log errors,
/// SMART and NVMe health, per disk by kernel name.
enum DiskExposition {
    private struct Series: Sendable {
        let name: String
        let type: MetricType
        let help: String
        let value: @Sendable (Disk) -> Double?
    }

    private static let diskSeries: [Series] = [
        Series(name: "hosthealth_disk_size_bytes", type: .gauge, help: "Size of the disk in bytes.") { $0.identity.sizeBytes.map { Double($0) } },
        Series(name: "hosthealth_disk_rotational", type: .gauge, help: "1 for a spinning disk, 0 for solid state.") { $0.identity.rotational.map { $0 ? 1 : 0 } },
        Series(name: "hosthealth_disk_removable", type: .gauge, help: "1 for removable media.") { $0.identity.removable.map { $0 ? 1 : 0 } },
        Series(name: "hosthealth_disk_offline", type: .gauge, help: "1 when the kernel has taken the disk offline (its device state).") { $0.deviceState == nil ? nil : $0.isOffline ? 1 : 0 },
        Series(name: "hosthealth_disk_reads_completed_total", type: .counter, help: "Reads completed.") { $0.counters.map { Double($0.readsCompleted) } },
        Series(name: "hosthealth_disk_reads_merged_total", type: .counter, help: "Reads merged before they were issued.") { $0.counters.map { Double($0.readsMerged) } },
        Series(name: "hosthealth_disk_read_bytes_total", type: .counter, help: "Bytes read.") { $0.counters.map { Double($0.readBytes) } },
        Series(name: "hosthealth_disk_read_time_seconds_total", type: .counter, help: "Time spent on reads.") { $0.counters.map(\.readSeconds) },
        Series(name: "hosthealth_disk_writes_completed_total", type: .counter, help: "Writes completed.") { $0.counters.map { Double($0.writesCompleted) } },
        Series(name: "hosthealth_disk_writes_merged_total", type: .counter, help: "Writes merged before they were issued.") { $0.counters.map { Double($0.writesMerged) } },
        Series(name: "hosthealth_disk_written_bytes_total", type: .counter, help: "Bytes written.") { $0.counters.map { Double($0.writtenBytes) } },
        Series(name: "hosthealth_disk_write_time_seconds_total", type: .counter, help: "Time spent on writes.") { $0.counters.map(\.writeSeconds) },
        Series(name: "hosthealth_disk_discards_completed_total", type: .counter, help: "Discards completed.") { $0.counters?.discardsCompleted.map { Double($0) } },
        Series(name: "hosthealth_disk_discarded_bytes_total", type: .counter, help: "Bytes discarded.") { $0.counters?.discardedBytes.map { Double($0) } },
        Series(name: "hosthealth_disk_flushes_completed_total", type: .counter, help: "Flush requests completed.") { $0.counters?.flushesCompleted.map { Double($0) } },
        Series(name: "hosthealth_disk_io_in_flight", type: .gauge, help: "Requests issued to the disk and not yet completed.") { $0.counters.map { Double($0.inFlight) } },
        Series(name: "hosthealth_disk_io_time_seconds_total", type: .counter, help: "Time the disk had requests in flight.") { $0.counters.map(\.ioSeconds) },
        Series(name: "hosthealth_disk_io_time_weighted_seconds_total", type: .counter, help: "Time requests spent in flight, summed over requests.") { $0.counters.map(\.weightedIOSeconds) },
        Series(name: "hosthealth_disk_scsi_io_errors_total", type: .counter, help: "Commands the SCSI midlayer saw fail (device/ioerr_cnt).") { $0.ioErrorCount.map { Double($0) } },
        Series(name: "hosthealth_disk_scsi_io_timeouts_total", type: .counter, help: "Commands that timed out (device/iotmo_cnt).") { $0.ioTimeoutCount.map { Double($0) } },
    ]

    private struct SmartSeries: Sendable {
        let name: String
        let type: MetricType
        let help: String
        let value: @Sendable (SmartReport) -> Double?
    }

    private static let smartSeries: [SmartSeries] = [
        SmartSeries(name: "hosthealth_disk_smart_passed", type: .gauge, help: "1 when the disk's SMART overall health passed, 0 when it failed.") { $0.passed.map { $0 ? 1 : 0 } },
        SmartSeries(name: "hosthealth_disk_smart_exit_status", type: .gauge, help: "smartctl's exit status bit mask at the last read (bit 3 failing, 4 prefail, 6 error log, 7 self-test errors).") { $0.exitStatus.map { Double($0.rawValue) } },
        SmartSeries(name: "hosthealth_disk_temperature_celsius", type: .gauge, help: "Disk temperature reported by SMART.") { $0.temperatureCelsius ?? $0.nvme?.temperatureCelsius },
        SmartSeries(name: "hosthealth_disk_power_on_seconds", type: .gauge, help: "Power-on time reported by SMART.") { $0.powerOnHours.map { Double($0) * 3600 } },
        SmartSeries(name: "hosthealth_disk_nvme_critical_warning", type: .gauge, help: "NVMe critical warning bits (0 spare, 1 temperature, 2 reliability, 3 read-only, 4 backup).") { $0.nvme.map { Double($0.criticalWarning) } },
        SmartSeries(name: "hosthealth_disk_nvme_available_spare_ratio", type: .gauge, help: "NVMe available spare.") { $0.nvme?.availableSpare.map { Double($0) / 100 } },
        SmartSeries(name: "hosthealth_disk_nvme_available_spare_threshold_ratio", type: .gauge, help: "NVMe available spare threshold.") { $0.nvme?.availableSpareThreshold.map { Double($0) / 100 } },
        SmartSeries(name: "hosthealth_disk_nvme_percentage_used_ratio", type: .gauge, help: "NVMe share of rated endurance used (may exceed 1).") { $0.nvme?.percentageUsed.map { Double($0) / 100 } },
        SmartSeries(name: "hosthealth_disk_nvme_media_errors_total", type: .counter, help: "NVMe unrecovered data integrity errors.") { $0.nvme?.mediaErrors.map { Double($0) } },
        SmartSeries(name: "hosthealth_disk_nvme_error_log_entries_total", type: .counter, help: "NVMe error information log entries.") { $0.nvme?.errorLogEntries.map { Double($0) } },
        SmartSeries(name: "hosthealth_disk_scsi_grown_defects", type: .gauge, help: "SCSI grown defect list length.") { $0.grownDefects.map { Double($0) } },
    ]

    static func renderState(_ snapshot: HostSnapshot, report: HealthReport, into writer: inout MetricsWriter) {
        guard let disks = snapshot.disks else { return }
        let sorted = disks.values.sorted { $0.name < $1.name }
        let ids = DiskHealth.componentIDs(disks)
        writer.family("hosthealth_disk_info", .info, help: "Identity of a disk; always 1.")
        for disk in sorted {
            let identity = disk.identity
            writer.sample("hosthealth_disk_info", [
                "disk": disk.name, "id": ids[disk.name]?.description ?? "", "model": identity.model ?? "",
                "serial": identity.serial ?? "", "wwn": identity.wwn ?? "", "firmware": identity.firmware ?? "",
                "transport": identity.transport.rawValue, "by_path": identity.byPath ?? "",
            ], 1)
        }
        for series in diskSeries {
            writer.family(series.name, series.type, help: series.help)
            for disk in sorted {
                if let value = series.value(disk) { writer.sample(series.name, ["disk": disk.name], value) }
            }
        }
        writer.family("hosthealth_disk_device_state", .gauge, help: "The disk's SCSI or NVMe controller state as reported by the kernel; always 1.")
        for disk in sorted {
            if let state = disk.deviceState { writer.sample("hosthealth_disk_device_state", ["disk": disk.name, "state": state], 1) }
        }
        if let errors = snapshot.kernelDiskErrors?.perDisk(disks) {
            writer.family("hosthealth_disk_kernel_errors_total", .counter, help: "Disk errors the kernel log reported since the agent started, by kind.")
            for name in errors.keys.sorted() {
                for (kind, count) in (errors[name] ?? [:]).sorted(by: { $0.key < $1.key }) {
                    writer.sample("hosthealth_disk_kernel_errors_total", ["disk": name, "kind": kind.rawValue], Double(count))
                }
            }
        }
        guard let smart = snapshot.smart else { return }
        renderSmart(sorted, smart: smart, ids: ids, report: report, into: &writer)
    }

    private static func renderSmart(
        _ disks: [Disk], smart: [String: SmartObservation], ids: [String: ComponentID], report: HealthReport,
        into writer: inout MetricsWriter
    ) {
        writer.family("hosthealth_disk_smart_available", .gauge, help: "1 when SMART data was read from the disk at least once.")
        for disk in disks {
            writer.sample("hosthealth_disk_smart_available", ["disk": disk.name], smart[disk.name]?.report == nil ? 0 : 1)
        }
        writer.family("hosthealth_disk_smart_standby", .gauge, help: "1 when the disk was asleep at the last SMART attempt and was not woken.")
        for disk in disks {
            if let observation = smart[disk.name] { writer.sample("hosthealth_disk_smart_standby", ["disk": disk.name], observation.standby ? 1 : 0) }
        }
        writer.family("hosthealth_disk_smart_last_read_timestamp_seconds", .gauge, help: "When SMART data was last read from the disk, in Unix seconds.")
        for disk in disks {
            if let readAt = smart[disk.name]?.readAt {
                writer.sample("hosthealth_disk_smart_last_read_timestamp_seconds", ["disk": disk.name], report.wallTime(readAt).secondsSinceEpoch.rounded(.down))
            }
        }
        let stale = Set(report.components.filter(\.stale).map(\.id))
        writer.family("hosthealth_disk_smart_stale", .gauge, help: "1 when the disk's SMART data is older than two SMART intervals.")
        for disk in disks where smart[disk.name]?.report != nil {
            writer.sample("hosthealth_disk_smart_stale", ["disk": disk.name], ids[disk.name].map { stale.contains($0) ? 1 : 0 } ?? 0)
        }
        let reports = disks.compactMap { disk in smart[disk.name]?.report.map { (disk.name, $0) } }
        for series in smartSeries {
            writer.family(series.name, series.type, help: series.help)
            for (name, smartReport) in reports {
                if let value = series.value(smartReport) { writer.sample(series.name, ["disk": name], value) }
            }
        }
        writer.family("hosthealth_disk_smart_attribute_raw", .gauge, help: "Raw value of the ATA SMART attributes judged (5, 187, 188, 197, 198).")
        for (name, smartReport) in reports {
            for id in ATAAttribute.watched {
                guard let attribute = smartReport.attribute(id), let raw = attribute.raw else { continue }
                writer.sample("hosthealth_disk_smart_attribute_raw", ["disk": name, "id": String(id), "name": attribute.name], Double(raw))
            }
        }
    }
}
