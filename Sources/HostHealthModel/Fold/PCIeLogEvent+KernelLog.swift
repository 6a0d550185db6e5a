/// An AER report is counted for the function on the line, by severity. Addresses come from
/// the kernel, not from sysfs: past `maxDevices` distinct ones (a flood of garbage), new
/// ones are dropped rather than grow memory and series without bound.
extension PCIeLogEvent: KernelLogEvent {
    package static let maxDevices = 256

    package func fold(into fold: inout SnapshotFold, at now: Timestamp) -> FoldChange {
        guard fold.pcieLogged[device] != nil || fold.pcieLogged.count < Self.maxDevices else { return .counters }
        fold.pcieLogged[device, default: [:]][severity, default: 0] += 1
        return .data
    }
}
