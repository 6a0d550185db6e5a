internal import Glibc
package import HostHealthModel
internal import Synchronization
internal import Udev
package import HostSystem

/// Watches md arrays: all of them read at start and after lost uevents, one array again on its
/// uevent, the syncing ones again every second while a sync runs (progress moves without
/// uevents), and all again every `idleInterval`. Runs on the thread that calls `run`.
package final class MDArrayWatcher: Sendable {
    package let reader: MDArrayReader
    private let watcher = UdevWatcher(matches: [UdevMatch(subsystem: "block", devtype: "disk")])
    private let idleInterval: Mutex<Double>
    /// How often a running sync is re-read.
    package static let syncInterval = 1.0

    package init(reader: MDArrayReader = MDArrayReader(), idleIntervalSeconds: Double = 10) {
        self.reader = reader
        idleInterval = Mutex(idleIntervalSeconds)
    }

    /// Takes a new `arrays.resync_interval` (SIGHUP) from any thread.
    package func setIdleInterval(_ seconds: Double) {
        idleInterval.withLock { $0 = seconds }
    }

    /// Blocks until `stop()`, handing every update to `deliver` on this thread.
    package func run(_ deliver: (ArrayUpdate) -> Void) throws(HostHealthError) {
        var refresh = ArrayRefresh(reader: reader)
        try watcher.run { wakeup in
            let idle = idleInterval.withLock { $0 }
            if let update = refresh.update(for: wakeup, fullReadEvery: idle) { deliver(update) }
            return refresh.syncing.isEmpty ? idle : Self.syncInterval
        }
    }

    package func stop() {
        watcher.stop()
    }
}

/// Decides what one wakeup re-reads, and remembers which arrays are syncing.
struct ArrayRefresh {
    let reader: MDArrayReader
    /// Arrays with a sync running or waiting: while any, the watcher polls.
    private(set) var syncing: Set<String> = []
    /// What each md device's udev properties declare, from the enumeration and its uevents:
    /// arrays are read from sysfs, which has no udev properties.
    private(set) var declared: [String: ComponentRule] = [:]
    /// When every array was last read (monotonic seconds).
    private(set) var lastFullRead: Double?

    init(reader: MDArrayReader) {
        self.reader = reader
    }

    /// - Parameters:
    ///   - now: monotonic seconds, for when every array is due again.
    ///   - fullReadEvery: how often a wakeup during a sync reads every array, not only the
    ///     syncing ones (`arrays.resync_interval`): the net for a lost uevent.
    mutating func update(
        for wakeup: UdevWakeup, now: Double = SystemClock.monotonic.seconds(), fullReadEvery: Double = 10
    ) -> ArrayUpdate? {
        let start = SystemClock.monotonic.seconds()
        var update: ArrayUpdate
        switch wakeup {
        case .started(let devices):
            remember(devices, whole: true)
            update = ArrayUpdate(scope: .all, arrays: reader.readAll(), cause: "start")
            lastFullRead = now
        case .overflow(let devices):
            remember(devices, whole: true)
            update = ArrayUpdate(scope: .all, arrays: reader.readAll(), cause: "overflow")
            lastFullRead = now
        case .timeout where !syncing.isEmpty && lastFullRead.map({ now - $0 < fullReadEvery }) == true:
            // Only a sync's progress moves without a uevent: the arrays that do not sync are
            // read again when the kernel says they changed, or at the next full read. On a
            // storage server with a dozen arrays this is one array's files a second, not all.
            update = ArrayUpdate(scope: .changes, arrays: [], cause: "sync")
            for name in syncing.sorted() {
                if let array = reader.read(name) { update.arrays.append(array) } else { update.removed.append(name) }
            }
        case .timeout:
            update = ArrayUpdate(scope: .all, arrays: reader.readAll(), cause: syncing.isEmpty ? "resync" : "sync")
            lastFullRead = now
        case .events(let devices):
            let arrays = devices.filter { MDArrayReader.isArrayName($0.sysname) }
            guard !arrays.isEmpty else { return nil }
            remember(arrays, whole: false)
            update = ArrayUpdate(scope: .changes, arrays: [], events: arrays.count, cause: "uevent")
            var seen = Set<String>()
            for device in arrays where seen.insert(device.sysname).inserted {
                // The last event for a name wins: a remove then an add is a new array.
                let last = arrays.last { $0.sysname == device.sysname }
                if last?.action != "remove", let array = reader.read(device.sysname) {
                    update.arrays.append(array)
                } else {
                    update.removed.append(device.sysname)
                }
            }
        }
        if update.scope == .all { syncing = [] }
        for name in update.removed { syncing.remove(name) }
        for array in update.arrays {
            if let action = array.syncAction, action.isRebuild || action.isScrub {
                syncing.insert(array.name)
            } else {
                syncing.remove(array.name)
            }
        }
        for index in update.arrays.indices {
            update.arrays[index].declared = declared[update.arrays[index].name]
        }
        update.durationSeconds = SystemClock.monotonic.seconds() - start
        return update
    }

    private mutating func remember(_ devices: [UdevDevice], whole: Bool) {
        if whole { declared = [:] }
        for device in devices where MDArrayReader.isArrayName(device.sysname) {
            declared[device.sysname] = device.action == "remove" ? nil : ComponentRule(udevProperties: device.properties)
        }
    }
}
