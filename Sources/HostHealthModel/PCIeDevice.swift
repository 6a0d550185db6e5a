/// One PCI function as sysfs shows it under `/sys/bus/pci/devices/<address>/`: identity, its
/// link as trained against what it and the port above it can do, and its AER counters.
/// Values the kernel could not give (no link registers, no AER capability, `Unknown`) are nil:
/// data, not errors.
package struct PCIeDevice: Sendable, Equatable {
    /// The bus address, `0000:3b:00.0`: the component's key and the `device` label.
    package var address: String
    package var vendorID: UInt16?
    package var deviceID: UInt16?
    package var subsystemVendorID: UInt16?
    package var subsystemDeviceID: UInt16?
    /// The 24-bit class code (`0x020000` Ethernet, `0x010802` NVMe, `0x060400` PCI bridge).
    package var classCode: UInt32?
    /// What the device is, from `pci.ids` when installed (`Mellanox Technologies MT28908 Family
    /// [ConnectX-6]`), else its class name.
    package var name: String
    /// The Device Serial Number capability (`00-02-c9-03-00-4a-5b-6c`), when config space
    /// beyond the first 256 bytes could be read (root only) and the device has one.
    package var serialNumber: String?
    /// The PCI device this one hangs under (its downstream or root port), nil on a root bus.
    package var upstream: String?
    package var link: PCIeLinkState
    /// The upstream port's own maximum: a x16 card in a slot wired x8 can never train wider.
    package var upstreamMax: PCIeLinkState.Training?
    /// Errors this device reported (`aer_dev_*`), nil without the AER capability.
    package var aer: PCIeAERCounts?
    /// On root ports: errors received from the whole hierarchy below (`aer_rootport_total_err_*`).
    package var rootPortErrors: PCIeAERTotals?
    /// An SR-IOV virtual function (it has a `physfn` link): its link is its physical function's.
    package var isVirtualFunction: Bool
    /// What could not be read or understood, for the reason and the operator.
    package var problem: String?
    /// What the device declares through udev (`HOSTHEALTH_IGNORE`, `HOSTHEALTH_INTENT`).
    package var declared: ComponentRule?

    package init(address: String, name: String = "", link: PCIeLinkState = PCIeLinkState()) {
        self.address = address
        self.name = name
        self.link = link
        isVirtualFunction = false
    }

    package var category: PCIeCategory { PCIeCategory(classCode: classCode) }

    /// The link it can reach in this slot: its own maximum bounded by the port above.
    package var capable: PCIeLinkState.Training {
        var capable = link.max
        if let port = upstreamMax {
            if let own = capable.transfersPerSecond, let other = port.transfersPerSecond {
                capable.transfersPerSecond = min(own, other)
            }
            if let own = capable.width, let other = port.width, other > 0 {
                capable.width = min(own, other)
            }
        }
        return capable
    }

    /// `[15b3:101b]`, or empty when the ids are unknown.
    package var ids: String {
        guard let vendorID, let deviceID else { return "" }
        return "[\(PCIeDevice.hex(vendorID)):\(PCIeDevice.hex(deviceID))]"
    }

    /// `0000:3b:00.0`: domain, bus, device and function as the kernel names PCI functions
    /// (host bridges' `pci0000:00` folders are not).
    package static func isAddress(_ name: some StringProtocol) -> Bool {
        let parts = name.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count >= 4, parts[1].count == 2 else { return false }
        let slot = parts[2].split(separator: ".", omittingEmptySubsequences: false)
        guard slot.count == 2, slot[0].count == 2, slot[1].count == 1 else { return false }
        return [parts[0], parts[1], slot[0], slot[1]].allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }

    package static func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

/// A link's current and maximum training, as `current_link_*` and `max_link_*` give them.
package struct PCIeLinkState: Sendable, Equatable {
    /// One side of the link: a rate and a number of lanes, either unknown.
    package struct Training: Sendable, Equatable {
        /// Per lane, in transfers per second (8.0 GT/s → 8e9).
        package var transfersPerSecond: Double?
        package var width: Int?

        package init(transfersPerSecond: Double? = nil, width: Int? = nil) {
            self.transfersPerSecond = transfersPerSecond
            self.width = width
        }

        /// `8.0 GT/s x8`, with `?` for what is unknown.
        package var text: String {
            let speed = transfersPerSecond.map { PCIeLinkState.speedText($0) } ?? "? GT/s"
            return "\(speed) x\(width.map(String.init) ?? "?")"
        }
    }

    package var current: Training
    package var max: Training

    package init(current: Training = Training(), max: Training = Training()) {
        self.current = current
        self.max = max
    }

    /// Whether sysfs had any link registers for it (endpoints on a virtual bus have none).
    package var isReported: Bool {
        current.transfersPerSecond != nil || current.width != nil || max.transfersPerSecond != nil || max.width != nil
    }

    /// `2.5 GT/s`, `8.0 GT/s`, `16.0 GT/s`: as the kernel spells the rates.
    package static func speedText(_ transfersPerSecond: Double) -> String {
        let gigatransfers = transfersPerSecond / 1e9
        let tenths = (gigatransfers * 10).rounded()
        let whole = Int(tenths) / 10
        let fraction = Int(tenths) % 10
        return "\(whole).\(fraction) GT/s"
    }
}

/// AER counters of one device: the totals and the breakdown by error name, per severity.
package struct PCIeAERCounts: Sendable, Equatable {
    package var totals: PCIeAERTotals
    /// `RxErr`/`Receiver Error` → count, per severity, as the files list them.
    package var breakdown: [PCIeAERSeverity: [String: UInt64]]

    package init(totals: PCIeAERTotals = PCIeAERTotals(), breakdown: [PCIeAERSeverity: [String: UInt64]] = [:]) {
        self.totals = totals
        self.breakdown = breakdown
    }
}

/// One count per severity; nil where the file was missing or unreadable.
package struct PCIeAERTotals: Sendable, Equatable {
    package var correctable: UInt64?
    package var nonFatal: UInt64?
    package var fatal: UInt64?

    package init(correctable: UInt64? = nil, nonFatal: UInt64? = nil, fatal: UInt64? = nil) {
        self.correctable = correctable
        self.nonFatal = nonFatal
        self.fatal = fatal
    }

    package subscript(severity: PCIeAERSeverity) -> UInt64? {
        get {
            switch severity {
            case .correctable: correctable
            case .nonFatal: nonFatal
            case .fatal: fatal
            }
        }
        set {
            switch severity {
            case .correctable: correctable = newValue
            case .nonFatal: nonFatal = newValue
            case .fatal: fatal = newValue
            }
        }
    }
}

/// The three AER severities, named as the `severity` label spells them.
package enum PCIeAERSeverity: String, Sendable, CaseIterable, Comparable {
    case correctable
    case nonFatal = "nonfatal"
    case fatal

    package static func < (lhs: PCIeAERSeverity, rhs: PCIeAERSeverity) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// What a device is for, from its base class: the classes whose link speed matters to the
/// host's work (network, storage, display and accelerators) are judged on it; bridges and the
/// rest are shown.
package enum PCIeCategory: String, Sendable, Equatable {
    case network
    case storage
    case display
    case accelerator
    case bridge
    case other

    package init(classCode: UInt32?) {
        guard let classCode else {
            self = .other
            return
        }
        switch classCode >> 16 {
        case 0x01: self = .storage
        case 0x02: self = .network
        case 0x03: self = .display
        // Processing accelerators (0x12) and co-processors (0x0b40) carry GPU-like compute work.
        case 0x12: self = .accelerator
        case 0x0b where (classCode >> 8) & 0xff == 0x40: self = .accelerator
        case 0x06: self = .bridge
        default: self = .other
        }
    }

    /// Whether a link below its capability slows what the host does.
    package var linkMatters: Bool {
        switch self {
        case .network, .storage, .display, .accelerator: true
        case .bridge, .other: false
        }
    }

    /// GPUs and accelerators lower their link rate at idle by design (NVIDIA and AMD drivers
    /// drop to 2.5 GT/s to save power and raise it under load), so a lower rate says nothing;
    /// fewer lanes still does.
    package var rateVariesWithLoad: Bool {
        self == .display || self == .accelerator
    }
}
