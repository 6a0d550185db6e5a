package import HostHealthModel
internal import HostHealthPolicy

/// The `hosthealth_memory_*` families: EDAC controllers and their modules, with the error
/// counters as counters (since boot, as the kernel keeps them).
enum MemoryExposition {
    static func render(_ memory: MemorySnapshot, into writer: inout MetricsWriter) {
        let controllers = memory.controllers
        writer.family("hosthealth_memory_controller_info", .info, help: "An EDAC memory controller and its driver's name for it; always 1.")
        for controller in controllers {
            writer.sample("hosthealth_memory_controller_info", ["controller": controller.name, "model": controller.model ?? ""], 1)
        }
        writer.family("hosthealth_memory_controller_size_bytes", .gauge, help: "Memory the controller manages.")
        for controller in controllers {
            if let size = controller.sizeMB { writer.sample("hosthealth_memory_controller_size_bytes", ["controller": controller.name], Double(size) * 1_048_576) }
        }
        writer.family("hosthealth_memory_controller_errors_total", .counter, help: "Memory errors the controller reported since its driver loaded (ce_count, ue_count), by type.")
        for controller in controllers {
            for (type, count) in [(MemoryErrorType.corrected, controller.correctedErrors), (.uncorrected, controller.uncorrectedErrors)] {
                if let count { writer.sample("hosthealth_memory_controller_errors_total", ["controller": controller.name, "type": type.rawValue], Double(count)) }
            }
        }
        writer.family("hosthealth_memory_controller_unattributed_errors_total", .counter, help: "Memory errors the controller could not attribute to a DIMM (ce_noinfo_count, ue_noinfo_count, and kernel-log errors on unknown memory), by type.")
        for controller in controllers {
            for (type, count) in [(MemoryErrorType.corrected, controller.correctedNoInfo), (.uncorrected, controller.uncorrectedNoInfo)] {
                let value = max(count ?? 0, memory.kernelErrors.count(controller.name, type))
                if count != nil || value > 0 {
                    writer.sample("hosthealth_memory_controller_unattributed_errors_total", ["controller": controller.name, "type": type.rawValue], Double(value))
                }
            }
        }
        let parts = MemoryHealth.parts(controllers).compactMap { part -> (MemoryHealth.Part, MemoryModule)? in
            guard let index = part.module, let controller = controllers.first(where: { $0.index == part.controller }) else { return nil }
            return (part, controller.dimms[index])
        }
        writer.family("hosthealth_memory_dimm_info", .info, help: "A memory module as EDAC knows it (a DIMM, the ranks of one, or a csrow channel); always 1.")
        for (part, module) in parts {
            writer.sample("hosthealth_memory_dimm_info", [
                "dimm": part.name, "id": part.id.description, "controller": "mc\(module.controller)", "label": module.label ?? "",
                "location": module.locationText, "mem_type": module.memoryType ?? "", "edac_mode": module.edacMode ?? "",
                "dev_type": module.deviceType ?? "",
            ], 1)
        }
        writer.family("hosthealth_memory_dimm_size_bytes", .gauge, help: "Size of the memory module.")
        for (part, module) in parts {
            if let size = module.sizeMB { writer.sample("hosthealth_memory_dimm_size_bytes", ["dimm": part.name], Double(size) * 1_048_576) }
        }
        writer.family("hosthealth_memory_errors_total", .counter, help: "Memory errors on the module since boot (dimm_ce_count, dimm_ue_count, or the kernel log's where it counted more), by type.")
        for (part, module) in parts {
            for (type, count) in [(MemoryErrorType.corrected, module.correctedErrors), (.uncorrected, module.uncorrectedErrors)] {
                let value = max(count ?? 0, memory.kernelErrors.count(part.kernelKey, type))
                writer.sample("hosthealth_memory_errors_total", ["dimm": part.name, "type": type.rawValue], Double(value))
            }
        }
    }
}

/// One line about a memory module or controller for `/status` and `hostctl status`.
package enum MemorySummary {
    package static func details(_ snapshot: HostSnapshot) -> [ComponentID: String] {
        guard let memory = snapshot.memory else { return [:] }
        var details: [ComponentID: String] = [:]
        for part in MemoryHealth.parts(memory.controllers) {
            guard let controller = memory.controllers.first(where: { $0.index == part.controller }) else { continue }
            guard let index = part.module else {
                var what = [controller.model ?? "EDAC memory controller"]
                if let size = controller.sizeMB { what.append(DiskSummary.bytes(size * 1_048_576)) }
                what.append("\(controller.dimms.count) module\(controller.dimms.count == 1 ? "" : "s")")
                var counts: [String] = []
                if let corrected = controller.correctedErrors { counts.append("corrected \(corrected)") }
                if let uncorrected = controller.uncorrectedErrors { counts.append("uncorrected \(uncorrected)") }
                if let noinfo = controller.correctedNoInfo, let ue = controller.uncorrectedNoInfo { counts.append("unattributed \(noinfo) + \(ue)") }
                details[part.id] = what.joined(separator: ", ") + (counts.isEmpty ? "" : " | " + counts.joined(separator: ", ") + " since boot")
                continue
            }
            let module = controller.dimms[index]
            var what = ["\(controller.name) \(module.entries.joined(separator: "+"))"]
            if !module.location.isEmpty { what.append(module.locationText) }
            if let size = module.sizeMB { what.append(DiskSummary.bytes(size * 1_048_576)) }
            if let type = module.memoryType { what.append(type) }
            if let mode = module.edacMode { what.append(mode) }
            if let device = module.deviceType { what.append(device) }
            let corrected = max(module.correctedErrors ?? 0, memory.kernelErrors.count(part.kernelKey, .corrected))
            let uncorrected = max(module.uncorrectedErrors ?? 0, memory.kernelErrors.count(part.kernelKey, .uncorrected))
            details[part.id] = what.joined(separator: ", ") + " | corrected \(corrected), uncorrected \(uncorrected) since boot"
        }
        return details
    }
}
