/// CPUs: every read is the whole set of packages; a failed read keeps the last.
extension CPUUpdate: ReaderUpdate {
    package static var collector: Collector { .cpu }

    package func fold(into fold: inout SnapshotFold, status: inout ReaderStatus, at now: Timestamp) -> FoldChange {
        status.lastDurationSeconds = durationSeconds
        status.resyncs += 1
        for (reason, count) in skipped { status.skipped[reason, default: 0] += count }
        guard let packages else {
            status.errors += 1
            status.lastError = error
            return .status
        }
        status.lastSuccess = now
        status.lastError = nil
        let wasUnavailable = status.unavailable
        status.unavailable = unavailable
        if fold.cpu.packages == packages && wasUnavailable == unavailable { return .status }
        fold.cpu.packages = packages
        return .data
    }
}

/// A machine check or throttle notice of the kernel log, counted for the package of its CPU as
/// the last read shows it.
extension MachineCheckEvent: KernelLogEvent {
    package func fold(into fold: inout SnapshotFold, at now: Timestamp) -> FoldChange {
        guard fold.collectors.contains(.cpu) else { return .nothing }
        switch kind {
        case .record(let cpu, let bank, let status):
            var key = KernelMachineChecks.Key(package: fold.cpu.package(of: cpu), bank: bank, uncorrected: uncorrected)
            if fold.cpu.machineChecks.records[key] == nil, fold.cpu.machineChecks.records.count >= KernelMachineChecks.maxKeys {
                key.bank = -1
            }
            fold.cpu.machineChecks.records[key, default: 0] &+= 1
            fold.cpu.machineChecks.last[key.package] = "CPU \(cpu) bank \(bank) status 0x\(String(status, radix: 16))"
        case .logged:
            fold.cpu.machineChecks.notices &+= 1
        case .throttled(let cpu, _):
            fold.cpu.machineChecks.throttleNotices[fold.cpu.package(of: cpu), default: 0] &+= 1
        }
        return .data
    }
}
