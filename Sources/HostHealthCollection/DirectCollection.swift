internal import DiskReader
package import HostHealthModel
internal import HostHealthPolicy
package import HostHealthConfig
package import HostHealthExposition
internal import LinkReader
internal import MDReader
internal import MemoryReader
internal import CPUReader
internal import PCIeReader
internal import SensorReader
internal import HostSystem

/// `hostctl --direct`: read every enabled source once, in this process, fold what they read
/// exactly as the agent does (`SnapshotFold`), and judge once. No history, so no hysteresis:
/// what the host looks like right now. The kernel log is not read (it holds only what happens
/// after it is opened).
package enum DirectCollection {
    /// The readers run once; not the kernel log.
    static let collectors: Set<Collector> = [.links, .arrays, .disks, .smart, .sensors, .pcie, .memory, .cpu]

    /// The status document, with each disk's detail line.
    package static func statusDocument(config: AgentConfig, now: Timestamp = Timestamp(secondsSinceEpoch: SystemClock.realtime.seconds())) -> StatusDocument {
        let snapshot = snapshot(config: config, now: now)
        let report = HealthPolicy(config: config).evaluate(previous: HealthMemory(), snapshot: snapshot, now: now).report
        return StatusDocument(report: report, details: ComponentDetails.details(snapshot, now: now))
    }

    /// - Parameter smart: run smartctl on every disk; drift needs no SMART, and on a host of 90
    ///   disks it would cost more than the rest together.
    static func snapshot(config: AgentConfig, now: Timestamp, smart: Bool = true) -> HostSnapshot {
        var fold = SnapshotFold(collectors: smart ? collectors : collectors.subtracting([.smart]))
        do {
            fold.apply(try LinkCollector().dump(cause: "direct"), at: now)
        } catch {
            fold.readerFailed(.links, "\(error)")
        }
        // A few small sysfs files per array: cheap enough to read in-process.
        fold.apply(ArrayUpdate(scope: .all, arrays: MDArrayReader().readAll(), cause: "direct"), at: now)
        readDisks(into: &fold, config: config, now: now, smart: smart)
        let pcie = PCIeWatcher(pollIntervalSeconds: config.pcie.pollIntervalSeconds, pciIDsPath: config.pcie.pciIDsPath)
        var devices: PCIeUpdate?
        do {
            try pcie.run { update in
                devices = update
                pcie.stop()
            }
        } catch {
            fold.readerFailed(.pcie, "\(error)")
        }
        if let devices { fold.apply(devices, at: now) }
        let sensors = SensorCollector(configuration: .system(config.sensors))
        fold.apply(sensors.collect(cause: "direct"), at: now)
        fold.apply(EDACReader().read(), at: now)
        fold.apply(CPUReader().read(), at: now)
        return fold.snapshot
    }

    /// Disks once through udev, then smartctl for each in turn (each bounded by smart.timeout).
    static func readDisks(into fold: inout SnapshotFold, config: AgentConfig, now: Timestamp, smart: Bool) {
        let collector = DiskCollector(refreshIntervalSeconds: 60)
        var first: DiskUpdate?
        do {
            try collector.run { update in
                first = update
                collector.stop()
            }
        } catch {
            fold.readerFailed(.disks, "\(error)")
        }
        if let first { fold.apply(first, at: now) }
        guard smart else { return }
        let smartctl = Smartctl(path: config.smart.smartctl, timeoutSeconds: config.smart.timeoutSeconds)
        for name in fold.disks.keys.sorted() {
            let started = SystemClock.monotonic.seconds()
            let attempt = smartctl.run(disk: name)
            fold.apply(SmartUpdate(disk: name, attempt: attempt, durationSeconds: SystemClock.monotonic.seconds() - started), at: now)
        }
    }
}

extension DirectCollection {
    /// `hostctl diff --direct`: one collection judged against `baseline` with no memory (a
    /// converging replacement's deadline counts from now).
    package static func driftDocument(
        config: AgentConfig, baseline: LoadedBaseline, now: Timestamp = Timestamp(secondsSinceEpoch: SystemClock.realtime.seconds())
    ) -> DiffDocument {
        var config = config
        config.baseline = baseline
        let snapshot = snapshot(config: config, now: now, smart: false)
        let report = HealthPolicy(config: config).evaluate(previous: HealthMemory(), snapshot: snapshot, now: now).report
        return DiffDocument(
            report: report.drift ?? DriftReport(), baseline: BaselineReference(path: baseline.path, sha256: baseline.sha256),
            wallClockOffset: 0)
    }

    /// `hostctl baseline record --direct`: what is there now, only what the readers saw.
    package static func record(
        config: AgentConfig, by: String?, now: Timestamp = Timestamp(secondsSinceEpoch: SystemClock.realtime.seconds())
    ) -> (baseline: Baseline, leftOut: [DriftKind: String]) {
        let snapshot = snapshot(config: config, now: now, smart: false)
        let unobserved = HealthPolicy(config: config).unobservedKinds(snapshot, now: now)
        return (DriftDomains.record(snapshot, by: by, at: now.rfc3339, unobserved: Set(unobserved.keys)), unobserved)
    }

    /// `hostctl inventory --json --direct`.
    package static func inventory(config: AgentConfig, now: Timestamp = Timestamp(secondsSinceEpoch: SystemClock.realtime.seconds())) -> InventoryDocument {
        InventoryDocument(snapshot(config: config, now: now, smart: false))
    }
}
