/// One CPU package (socket) as sysfs shows it: its logical CPUs and their thermal throttle
/// counters (`/sys/devices/system/cpu/cpuN/thermal_throttle/`, since boot).
package struct CPUPackage: Sendable, Equatable {
    /// `topology/physical_package_id`.
    package var id: Int
    package var cpus: [Int]
    /// `package_throttle_count` / `package_throttle_total_time_ms`: the same on every CPU of
    /// the package; the largest is kept.
    package var packageThrottles: UInt64?
    package var packageThrottleMilliseconds: UInt64?
    /// `core_throttle_count` / `core_throttle_total_time_ms`, summed over the package's cores
    /// (each core once, whatever its threads).
    package var coreThrottles: UInt64?
    package var coreThrottleMilliseconds: UInt64?

    package init(
        id: Int, cpus: [Int] = [], packageThrottles: UInt64? = nil, packageThrottleMilliseconds: UInt64? = nil,
        coreThrottles: UInt64? = nil, coreThrottleMilliseconds: UInt64? = nil
    ) {
        self.id = id
        self.cpus = cpus
        self.packageThrottles = packageThrottles
        self.packageThrottleMilliseconds = packageThrottleMilliseconds
        self.coreThrottles = coreThrottles
        self.coreThrottleMilliseconds = coreThrottleMilliseconds
    }

    package var name: String { "package\(id)" }

    /// Whether the kernel keeps throttle counts for it (not in most virtual machines).
    package var hasThrottleCounts: Bool { packageThrottles != nil || coreThrottles != nil }

    /// Package and core throttle events together: what "throttling keeps rising" watches.
    package var throttleEvents: UInt64? {
        guard hasThrottleCounts else { return nil }
        return (packageThrottles ?? 0) &+ (coreThrottles ?? 0)
    }
}

/// One read of the CPUs' topology and throttle counters.
package struct CPUUpdate: Sendable, Equatable {
    /// nil when the CPUs could not be read at all.
    package var packages: [CPUPackage]?
    package var error: String?
    package var unavailable: String?
    package var skipped: [String: UInt64]
    package var durationSeconds: Double

    package init(packages: [CPUPackage]?, error: String? = nil, unavailable: String? = nil, skipped: [String: UInt64] = [:], durationSeconds: Double = 0) {
        self.packages = packages
        self.error = error
        self.unavailable = unavailable
        self.skipped = skipped
        self.durationSeconds = durationSeconds
    }
}

/// A machine-check record or notice in the kernel log (arch/x86/kernel/cpu/mce, and the AMD
/// decoder's lines), or a thermal-throttle notice (therm_throt.c).
package struct MachineCheckEvent: Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        /// A machine-check record: its CPU, bank and MCi_STATUS; uncorrected when the status's
        /// UC bit (61) is set.
        case record(cpu: Int, bank: Int, status: UInt64)
        /// `Machine check events logged`: records went to the mcelog/trace buffer, unnamed.
        case logged
        /// `CPU3: Core|Package temperature above threshold, cpu clock throttled`.
        case throttled(cpu: Int, package: Bool)
    }

    package var kind: Kind

    package init(_ kind: Kind) {
        self.kind = kind
    }

    /// MCi_STATUS bit 61: the error was not corrected.
    package static let uncorrectedBit: UInt64 = 1 << 61

    package var uncorrected: Bool {
        if case .record(_, _, let status) = kind { return status & Self.uncorrectedBit != 0 }
        return false
    }
}

/// Machine checks and throttle notices from the kernel log since the agent started, by the
/// package of the CPU that reported them (-1 when no package is known for it).
package struct KernelMachineChecks: Sendable, Equatable {
    package struct Key: Sendable, Hashable, Comparable {
        package var package: Int
        package var bank: Int
        package var uncorrected: Bool

        package init(package: Int, bank: Int, uncorrected: Bool) {
            self.package = package
            self.bank = bank
            self.uncorrected = uncorrected
        }

        package static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.package, lhs.bank, lhs.uncorrected ? 1 : 0) < (rhs.package, rhs.bank, rhs.uncorrected ? 1 : 0)
        }
    }

    package var records: [Key: UInt64] = [:]
    /// `Machine check events logged` notices.
    package var notices: UInt64 = 0
    /// Throttle notices by package.
    package var throttleNotices: [Int: UInt64] = [:]
    /// The last record's text per package, for the reason.
    package var last: [Int: String] = [:]

    package init() {}

    package static let maxKeys = 4096

    package func count(package: Int, uncorrected: Bool) -> UInt64 {
        records.reduce(0) { $1.key.package == package && $1.key.uncorrected == uncorrected ? $0 &+ $1.value : $0 }
    }

    package var packages: Set<Int> { Set(records.keys.map(\.package)).union(throttleNotices.keys) }
}

/// The cpu domain as the policy and the outputs read it.
package struct CPUSnapshot: Sendable, Equatable {
    package var packages: [CPUPackage]
    package var machineChecks: KernelMachineChecks

    package init(packages: [CPUPackage] = [], machineChecks: KernelMachineChecks = KernelMachineChecks()) {
        self.packages = packages
        self.machineChecks = machineChecks
    }

    /// The package a logical CPU belongs to; -1 when unknown.
    package func package(of cpu: Int) -> Int {
        packages.first { $0.cpus.contains(cpu) }?.id ?? -1
    }
}
