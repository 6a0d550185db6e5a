package import HostHealthModel
internal import HostHealthPolicy
internal import HostHealthConfig

/// One line about a disk for `/status` and `hostctl status`: what it is, what it has done, and
/// what SMART last said. The verdict's reason says what is wrong; this says which drive to pull.
package struct DiskSummary: Sendable {
    package var disk: Disk
    package var smart: SmartObservation?
    package var smartEnabled: Bool
    package var kernelErrors: [DiskErrorKind: UInt64]?
    package var now: Timestamp

    package init(disk: Disk, smart: SmartObservation?, smartEnabled: Bool, kernelErrors: [DiskErrorKind: UInt64]?, now: Timestamp) {
        self.disk = disk
        self.smart = smart
        self.smartEnabled = smartEnabled
        self.kernelErrors = kernelErrors
        self.now = now
    }

    /// A line per disk component of `snapshot`, for `StatusDocument(report:details:)`.
    package static func details(_ snapshot: HostSnapshot, now: Timestamp) -> [ComponentID: String] {
        guard let disks = snapshot.disks else { return [:] }
        let ids = DiskHealth.componentIDs(disks)
        let errors = snapshot.kernelDiskErrors?.perDisk(disks)
        var details: [ComponentID: String] = [:]
        for (name, disk) in disks {
            guard let id = ids[name] else { continue }
            details[id] = DiskSummary(
                disk: disk, smart: snapshot.smart?[name], smartEnabled: snapshot.smart != nil,
                kernelErrors: errors?[name], now: now
            ).text
        }
        return details
    }

    package var text: String {
        let identity = disk.identity
        var what: [String] = [identity.model ?? "\(identity.transport.rawValue) disk"]
        if let serial = identity.serial { what.append("serial \(serial)") }
        if let wwn = identity.wwn { what.append("wwn \(wwn)") }
        if let firmware = identity.firmware { what.append("firmware \(firmware)") }
        what.append(identity.transport.rawValue)
        if let size = identity.sizeBytes { what.append(Self.bytes(size)) }
        if let rotational = identity.rotational { what.append(rotational ? "rotational" : "solid state") }
        if identity.removable == true { what.append("removable") }
        if let path = identity.byPath ?? identity.sysfsPath { what.append(path) }
        var parts = [what.joined(separator: ", ")]
        if let counters = disk.counters {
            parts.append("read \(Self.bytes(counters.readBytes)) in \(counters.readsCompleted) ops, written \(Self.bytes(counters.writtenBytes)) in \(counters.writesCompleted) ops, busy \(Int(counters.ioSeconds))s, in flight \(counters.inFlight)")
        }
        var state: [String] = []
        if let deviceState = disk.deviceState { state.append("state \(deviceState)") }
        if let errors = disk.ioErrorCount { state.append("ioerr_cnt \(errors)") }
        if let timeouts = disk.ioTimeoutCount { state.append("iotmo_cnt \(timeouts)") }
        if let kernelErrors, !kernelErrors.isEmpty {
            state.append("kernel errors " + kernelErrors.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", "))
        }
        if !state.isEmpty { parts.append(state.joined(separator: ", ")) }
        if smartEnabled, let smartText {
            parts.append(smartText)
        }
        return parts.joined(separator: " | ")
    }

    /// What SMART last said; nil when it never said anything (the verdict's reason says why).
    var smartText: String? {
        guard let smart else { return "SMART not read yet" }
        guard let report = smart.report, let readAt = smart.readAt else {
            return smart.problem == nil ? (smart.standby ? "SMART: disk in standby, never read" : "SMART not read yet") : nil
        }
        var facts = ["SMART " + (report.passed == false ? "FAILED" : report.passed == true ? "passed" : "no overall status")]
        if let temperature = report.temperatureCelsius ?? report.nvme?.temperatureCelsius, abs(temperature) < 10_000 {
            facts.append("\(Int(temperature)) °C")
        }
        if let hours = report.powerOnHours { facts.append("\(hours) h on") }
        facts.append("read \(TextFormat.duration(now - readAt)) ago")
        if smart.standby { facts.append("now in standby") }
        return facts.joined(separator: ", ")
    }

    static func bytes(_ value: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var amount = Double(value)
        var unit = 0
        while amount >= 1024, unit < units.count - 1 {
            amount /= 1024
            unit += 1
        }
        if unit == 0 { return "\(value) B" }
        let tenths = (amount * 10).rounded() / 10
        return "\(tenths) \(units[unit])"
    }

}
