package import DiskReader
package import HostHealthModel
internal import Logging
internal import HostHealthExposition

/// The disk, SMART and kernel-log readers' side of the engine.
extension HealthEngine {
    var disksEnabled: Bool { collectors.contains(.disks) }
    var smartEnabled: Bool { collectors.contains(.smart) }
    var kmsgEnabled: Bool { collectors.contains(.kmsg) }

    func addDisks(to snapshot: inout HostSnapshot) {
        if disksEnabled {
            snapshot.disks = disks
            snapshot.readers.append(diskReader)
        }
        if smartEnabled {
            snapshot.smart = smart
            snapshot.readers.append(smartReader)
        }
        if kmsgEnabled {
            snapshot.kernelDiskErrors = kernelDiskErrors
            snapshot.readers.append(kmsgReader)
        }
    }

    /// The kernel names of the disks now present: what the SMART runner reads.
    package var diskNames: [String] {
        disks.keys.sorted()
    }

    /// Takes the disk reader's whole set of disks.
    package func apply(_ update: DiskUpdate) {
        guard disksEnabled else { return }
        let now = clock()
        disks = update.disks
        // SMART of a disk that went is forgotten with it.
        for name in smart.keys where disks[name] == nil { smart[name] = nil }
        diskReader.lastSuccess = now
        diskReader.lastError = nil
        diskReader.lastDurationSeconds = update.durationSeconds
        diskReader.events += UInt64(update.events)
        if update.cause == "start" || update.cause == "overflow" { diskReader.resyncs += 1 }
        stateVersion &+= 1
        evaluate(now: now)
    }

    package func diskReaderFailed(_ message: String) {
        diskReader.errors += 1
        diskReader.lastError = message
        evaluate()
    }

    /// Folds one smartctl run for `disk` in.
    package func apply(smart attempt: SmartAttempt, disk: String, durationSeconds: Double) {
        guard smartEnabled, !disksEnabled || disks[disk] != nil else { return }
        let now = clock()
        smart[disk, default: SmartObservation()].record(attempt, at: now)
        smartReader.lastDurationSeconds = durationSeconds
        smartReader.events += 1
        if case .notInstalled = attempt {} else { smartReader.unavailable = nil }
        switch attempt {
        case .report:
            if smart[disk]?.problem == nil {
                smartReader.lastSuccess = now
                smartReader.lastError = nil
            } else {
                smartReader.skipped["no_smart_data", default: 0] += 1
            }
        case .unreadable(let why):
            smartReader.errors += 1
            smartReader.skipped["unreadable_output", default: 0] += 1
            smartReader.lastError = why
        case .timedOut:
            smartReader.errors += 1
            smartReader.skipped["timeout", default: 0] += 1
            smartReader.lastError = smart[disk]?.problem
        case .notInstalled(let why):
            // A host without smartmontools: SMART is unknown there, which is no fault of the
            // reader's and must not tick an error counter (and fire alerts) forever.
            if smartReader.unavailable == nil {
                logger.notice("SMART unavailable; disks are judged without it", metadata: ["why": "\(why)"])
            }
            smartReader.unavailable = why
        case .cannotRun(let why):
            smartReader.errors += 1
            smartReader.lastError = why
        }
        stateVersion &+= 1
        evaluate(now: now)
    }

    /// Counts a batch of kernel-log records; judges again when disk trouble came with it.
    package func apply(_ update: KernelLogUpdate) {
        guard kmsgEnabled else { return }
        kmsgReader.lastSuccess = clock()
        kmsgReader.lastError = nil
        kmsgReader.events += UInt64(update.records)
        if update.overwritten > 0 { kmsgReader.skipped["overwritten", default: 0] += UInt64(update.overwritten) }
        guard !update.troubles.isEmpty else { return }
        for trouble in update.troubles { kernelDiskErrors.count(trouble) }
        stateVersion &+= 1
        evaluate()
    }

    package func kmsgReaderFailed(_ message: String) {
        kmsgReader.errors += 1
        kmsgReader.lastError = message
        stateVersion &+= 1
    }

    /// One line per disk for `/status` and `hostctl status`: identity, counters and SMART.
    func diskDetails() -> [ComponentID: String] {
        DiskSummary.details(snapshot, now: clock())
    }
}
