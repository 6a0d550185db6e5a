/// One EDAC memory controller (`/sys/devices/system/edac/mc/mcN`) and the memory it watches.
package struct MemoryController: Sendable, Equatable {
    /// N of `mcN`, as the kernel log names it (`EDAC MC0: …`).
    package var index: Int
    /// `mc_name`: the driver's name for it (`Skylake Socket#0 IMC#0`).
    package var model: String?
    package var sizeMB: UInt64?
    /// Since the driver loaded (boot, mostly): all errors, and those no DIMM could be named for.
    package var correctedErrors: UInt64?
    package var uncorrectedErrors: UInt64?
    package var correctedNoInfo: UInt64?
    package var uncorrectedNoInfo: UInt64?
    package var dimms: [MemoryModule]

    package init(
        index: Int, model: String? = nil, sizeMB: UInt64? = nil, correctedErrors: UInt64? = nil, uncorrectedErrors: UInt64? = nil,
        correctedNoInfo: UInt64? = nil, uncorrectedNoInfo: UInt64? = nil, dimms: [MemoryModule] = []
    ) {
        self.index = index
        self.model = model
        self.sizeMB = sizeMB
        self.correctedErrors = correctedErrors
        self.uncorrectedErrors = uncorrectedErrors
        self.correctedNoInfo = correctedNoInfo
        self.uncorrectedNoInfo = uncorrectedNoInfo
        self.dimms = dimms
    }

    package var name: String { "mc\(index)" }
}

/// How a controller lays its memory out in sysfs: `dimmN/` (per DIMM), `rankN/` (per rank,
/// chip-select based controllers) or, on older kernels and drivers, `csrowN/` with
/// `chN_*` per channel.
package enum EDACLayout: String, Sendable, Equatable {
    case dimm
    case rank
    case csrow
}

/// One memory module as EDAC knows it: a DIMM, the ranks of one DIMM under one label, or one
/// channel of a csrow.
package struct MemoryModule: Sendable, Equatable {
    package var controller: Int
    /// The sysfs entries it was read from (`dimm3`; `rank0`, `rank1`; `csrow2/ch1`).
    package var entries: [String]
    package var layout: EDACLayout
    /// `dimm_label` (firmware's `CPU_SrcID#0_Ha#0_Chan#1_DIMM#0`, `DIMM_A1`; or the kernel's
    /// own `mc#0channel#1slot#0`); nil when there is none.
    package var label: String?
    /// `dimm_location` as layer → position (`channel` 1, `slot` 0; `csrow` 2, `channel` 1).
    package var location: [MemoryLocation]
    package var sizeMB: UInt64?
    package var memoryType: String?
    package var edacMode: String?
    package var deviceType: String?
    /// Since the driver loaded.
    package var correctedErrors: UInt64?
    package var uncorrectedErrors: UInt64?

    package init(
        controller: Int, entries: [String], layout: EDACLayout, label: String? = nil, location: [MemoryLocation] = [],
        sizeMB: UInt64? = nil, memoryType: String? = nil, edacMode: String? = nil, deviceType: String? = nil,
        correctedErrors: UInt64? = nil, uncorrectedErrors: UInt64? = nil
    ) {
        self.controller = controller
        self.entries = entries
        self.layout = layout
        self.label = label
        self.location = location
        self.sizeMB = sizeMB
        self.memoryType = memoryType
        self.edacMode = edacMode
        self.deviceType = deviceType
        self.correctedErrors = correctedErrors
        self.uncorrectedErrors = uncorrectedErrors
    }

    /// `channel 1 slot 0`.
    package var locationText: String {
        location.map { "\($0.layer) \($0.position)" }.joined(separator: " ")
    }

    /// What identifies it on this host: its label, else its controller and location
    /// (`mc0 channel 1 slot 0`), else its controller and sysfs entry.
    package var key: String {
        if let label, !label.isEmpty { return label }
        if !location.isEmpty { return "mc\(controller) \(locationText)" }
        return "mc\(controller) \(entries.first ?? "?")"
    }
}

/// One layer of a memory location: `channel:1`, `slot:0`, `csrow:2`, `branch:0`.
package struct MemoryLocation: Sendable, Equatable, Hashable {
    package var layer: String
    package var position: Int

    package init(_ layer: String, _ position: Int) {
        self.layer = layer
        self.position = position
    }
}

/// Corrected or uncorrected.
package enum MemoryErrorType: String, Sendable, CaseIterable, Comparable {
    case corrected
    case uncorrected

    package static func < (lhs: MemoryErrorType, rhs: MemoryErrorType) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One EDAC error report in the kernel log (`EDAC MC0: 1 CE memory read error on
/// CPU_SrcID#0_Ha#0_Chan#1_DIMM#0 (channel:1 slot:0 page:0x… …)`): what the controller said,
/// to be attributed to a DIMM (`MemoryErrors.attribute`).
package struct MemoryErrorEvent: Sendable, Equatable {
    package var controller: Int
    package var type: MemoryErrorType
    package var count: UInt64
    /// The DIMM labels the kernel named; empty for `any memory` / `unknown memory`. More than
    /// one (`A or B`) when it could not tell which.
    package var labels: [String]
    /// The layers the kernel gave (`channel:1 slot:0`), empty when none.
    package var location: [MemoryLocation]
    /// The driver's text about the error (`memory read error`), for the reason.
    package var message: String

    package init(controller: Int, type: MemoryErrorType, count: UInt64, labels: [String] = [], location: [MemoryLocation] = [], message: String = "") {
        self.controller = controller
        self.type = type
        self.count = count
        self.labels = labels
        self.location = location
        self.message = message
    }
}

/// Memory errors counted from the kernel log since the agent started, by the DIMM (or
/// controller) they were attributed to when they came: the key of a module, or `mcN` for what
/// the controller could not attribute.
package struct KernelMemoryErrors: Sendable, Equatable {
    package var byKey: [String: [MemoryErrorType: UInt64]] = [:]
    /// The last message per key, for the reason.
    package var lastMessage: [String: String] = [:]

    package init() {}

    /// Keys kept apart; past this, new ones are counted under their controller.
    package static let maxKeys = 1024

    package mutating func count(_ event: MemoryErrorEvent, key: String) {
        var key = key
        if byKey[key] == nil, byKey.count >= Self.maxKeys { key = "mc\(event.controller)" }
        byKey[key, default: [:]][event.type, default: 0] &+= event.count
        if !event.message.isEmpty { lastMessage[key] = event.message }
    }

    package func count(_ key: String, _ type: MemoryErrorType) -> UInt64 {
        byKey[key]?[type] ?? 0
    }
}

extension MemoryErrorEvent {
    /// The key of the module this error belongs to among `controllers`: the one with the named
    /// label (on its controller first), else the one at the named location, else the
    /// controller itself (`mcN`): errors it could not attribute count against it.
    package func attribute(to controllers: [MemoryController]) -> String {
        let own = controllers.first { $0.index == controller }
        if labels.count == 1, let label = labels.first {
            if let module = own?.dimms.first(where: { $0.label == label }) { return module.key }
            for other in controllers {
                if let module = other.dimms.first(where: { $0.label == label }) { return module.key }
            }
        }
        if labels.count <= 1, !location.isEmpty, let own {
            let matches = own.dimms.filter { module in
                location.allSatisfy { wanted in module.location.contains(wanted) }
            }
            if matches.count == 1 { return matches[0].key }
        }
        return "mc\(controller)"
    }
}

/// The memory domain as the policy and the outputs read it.
package struct MemorySnapshot: Sendable, Equatable {
    package var controllers: [MemoryController]
    package var kernelErrors: KernelMemoryErrors

    package init(controllers: [MemoryController] = [], kernelErrors: KernelMemoryErrors = KernelMemoryErrors()) {
        self.controllers = controllers
        self.kernelErrors = kernelErrors
    }
}
