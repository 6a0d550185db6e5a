package import HostHealthModel
internal import Udev
internal import Glibc
internal import Synchronization
package import HostSystem

/// Watches block disks through udev (enumeration, then add/change/remove uevents) and re-reads
/// their counters and state every `refreshInterval`. Everything runs on the thread that calls
/// `run`, as libudev requires.
package final class DiskCollector: Sendable {
    private let watcher = UdevWatcher(matches: [UdevMatch(subsystem: "block", devtype: "disk")])
    private let description: DiskDescription
    private let refreshInterval: Mutex<Double>

    package init(refreshIntervalSeconds: Double, description: DiskDescription = DiskDescription()) {
        self.description = description
        self.refreshInterval = Mutex(refreshIntervalSeconds)
    }

    package func setRefreshInterval(_ seconds: Double) {
        refreshInterval.withLock { $0 = seconds }
    }

    /// Blocks until `stop()`, sending a full update at start, after every batch of uevents and
    /// at every refresh.
    package func run(_ send: (DiskUpdate) -> Void) throws(HostHealthError) {
        var known: [String: (syspath: String, disk: Disk)] = [:]
        try watcher.run { wakeup in
            let started = SystemClock.monotonic.seconds()
            var cause = "refresh"
            var events = 0
            switch wakeup {
            case .started(let devices), .overflow(let devices):
                if case .overflow = wakeup { cause = "overflow" } else { cause = "start" }
                known = [:]
                for device in devices {
                    if let disk = description.disk(device) { known[device.sysname] = (device.syspath, disk) }
                }
            case .events(let devices):
                cause = "uevent"
                events = devices.count
                for device in devices {
                    if device.action == "remove" {
                        known[device.sysname] = nil
                    } else if let disk = description.disk(device) {
                        known[device.sysname] = (device.syspath, disk)
                    }
                }
            case .timeout:
                for name in known.keys {
                    guard var entry = known[name] else { continue }
                    description.refresh(&entry.disk, syspath: entry.syspath)
                    known[name] = entry
                }
            }
            send(DiskUpdate(
                disks: known.mapValues(\.disk), cause: cause, events: events, durationSeconds: SystemClock.monotonic.seconds() - started))
            return refreshInterval.withLock { $0 }
        }
    }

    package func stop() {
        watcher.stop()
    }
}
