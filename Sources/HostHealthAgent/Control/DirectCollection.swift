internal import DiskReader
package import HostHealthModel
package import HostHealthPolicy
package import HostHealthConfig
package import HostHealthExposition
internal import LinkReader
internal import MDReader
internal import SensorReader

/// `hostctl --direct`: read every enabled source once, in this process, and judge once. No
/// history, so no hysteresis: what the host looks like right now. The kernel log is not read
/// (it holds only what happens after it is opened).
package enum DirectCollection {
    package static func collect(config: AgentConfig, now: Timestamp = WallClock.now()) -> HealthReport {
        let snapshot = snapshot(config: config, now: now)
        return HealthPolicy(config: config).evaluate(previous: HealthMemory(), snapshot: snapshot, now: now).report
    }

    /// The status document, with each disk's detail line.
    package static func statusDocument(config: AgentConfig, now: Timestamp = WallClock.now()) -> StatusDocument {
        let snapshot = snapshot(config: config, now: now)
        let report = HealthPolicy(config: config).evaluate(previous: HealthMemory(), snapshot: snapshot, now: now).report
        return StatusDocument(report: report, details: DiskSummary.details(snapshot, now: now))
    }

    static func snapshot(config: AgentConfig, now: Timestamp) -> HostSnapshot {
        var links: [String: Link] = [:]
        var reader = ReaderStatus(name: "links")
        do {
            let update = try LinkCollector().dump(cause: "direct")
            for case .link(let link) in update.messages { links[link.name] = link }
            reader.lastSuccess = now
            reader.lastDurationSeconds = update.durationSeconds
            reader.skipped = update.skipped
        } catch {
            reader.errors = 1
            reader.lastError = "\(error)"
        }
        // A few small sysfs files per array: cheap enough to read in-process.
        let arrays = MDArrayReader().readAll()
        let arrayReader = ReaderStatus(name: "arrays", lastSuccess: now)
        var snapshot = HostSnapshot(links: links, arrays: arrays, readers: [reader, arrayReader])
        addDisks(to: &snapshot, config: config, now: now)
        addSensors(to: &snapshot, now: now)
        return snapshot
    }

    /// Disks once through udev, then smartctl for each in turn (each bounded by smart.timeout).
    static func addDisks(to snapshot: inout HostSnapshot, config: AgentConfig, now: Timestamp) {
        var diskReader = ReaderStatus(name: "disks")
        let collector = DiskCollector(refreshIntervalSeconds: 60)
        var disks: [String: Disk] = [:]
        do {
            try collector.run { update in
                disks = update.disks
                diskReader.lastDurationSeconds = update.durationSeconds
                collector.stop()
            }
            diskReader.lastSuccess = now
        } catch {
            diskReader.errors = 1
            diskReader.lastError = "\(error)"
        }
        snapshot.disks = disks
        snapshot.readers.append(diskReader)
        let smartctl = Smartctl(path: config.smart.smartctl, timeoutSeconds: config.smart.timeoutSeconds)
        var smart: [String: SmartObservation] = [:]
        for name in disks.keys.sorted() {
            smart[name, default: SmartObservation()].record(smartctl.run(disk: name), at: now)
        }
        snapshot.smart = smart
    }

    /// libsensors once, with the system's sensors.conf.
    static func addSensors(to snapshot: inout HostSnapshot, now: Timestamp) {
        let update = SensorCollector().collect(cause: "direct")
        var sensorReader = ReaderStatus(name: "sensors", lastDurationSeconds: update.durationSeconds)
        if update.reading != nil {
            sensorReader.lastSuccess = now
        } else {
            sensorReader.errors = 1
            sensorReader.lastError = update.error
        }
        snapshot.sensors = update.reading?.sensors ?? []
        snapshot.readers.append(sensorReader)
    }
}
