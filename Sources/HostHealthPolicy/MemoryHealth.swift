package import HostHealthModel
package import HostHealthConfig

/// Judges memory from EDAC: each module (DIMM, the ranks of one DIMM, or a csrow channel) and
/// each controller, for what it could not attribute to a module.
///
/// - An uncorrectable error since boot is `failed`: the memory cannot be trusted; take it out.
/// - More than `memory.ce_rate` corrected errors within its window is `degraded` (see
///   `MemoryConfig` for where the default comes from).
/// - The controller's `ue_noinfo_count` / `ce_noinfo_count`, and kernel-log errors on `any
///   memory` / `unknown memory`, are judged the same way against the controller.
///
/// Counts come from the since-boot sysfs counters and, at once, from the kernel log; both feed
/// one `EventWindow` per module and type (`memory:<key>/corrected`, `…/uncorrected`), persisted
/// by the engine, so a restart forgives nothing. A module first seen with errors already
/// counted (the agent's first start) has the share of them that fits the window counted, as
/// if they were spread evenly since boot. The engine's clock counts from boot
/// (CLOCK_BOOTTIME), so `now` is the uptime.
package struct MemoryHealth: Sendable {
    package var config: MemoryConfig

    package init(config: MemoryConfig) {
        self.config = config
    }

    /// One module's or controller's place in the snapshot and its component id.
    package struct Part: Sendable, Equatable {
        package var id: ComponentID
        package var name: String
        /// The module's key in `KernelMemoryErrors` (`mcN` for a controller).
        package var kernelKey: String
        package var controller: Int
        /// nil for the controller itself.
        package var module: Int?
    }

    /// Every module and controller with its component id: a module by its label (else
    /// controller and location), made unique by its controller when two share one; a
    /// controller as `mcN`.
    package static func parts(_ controllers: [MemoryController]) -> [Part] {
        var keys: [String: Int] = [:]
        for controller in controllers {
            for module in controller.dimms { keys[module.key, default: 0] += 1 }
        }
        var parts: [Part] = []
        for controller in controllers {
            parts.append(Part(
                id: ComponentID(kind: .memory, key: controller.name), name: controller.name, kernelKey: controller.name,
                controller: controller.index, module: nil))
            for (index, module) in controller.dimms.enumerated() {
                let key = keys[module.key, default: 0] > 1 ? "\(controller.name)/\(module.key)" : module.key
                parts.append(Part(
                    id: ComponentID(kind: .memory, key: key), name: key, kernelKey: module.key, controller: controller.index,
                    module: index))
            }
        }
        return parts
    }

    /// Seconds the kernel log's events may wait for the counter to show them.
    var confirmWithin: Double { 2 * config.intervalSeconds + 5 }

    package static func windowKey(_ id: ComponentID, _ type: MemoryErrorType) -> String {
        "\(id)/\(type.rawValue)"
    }

    /// The verdicts, with every part's windows brought up to `now` in `windows`.
    package func verdicts(
        _ memory: MemorySnapshot, windows: inout EventWindows, now: Timestamp, stale: String?, next: inout NextChange
    ) -> [Verdict] {
        let uptime = max(0, now.secondsSinceEpoch)
        let window = config.ceRateWindowSeconds
        var verdicts: [Verdict] = []
        var present = Set<String>()
        for part in Self.parts(memory.controllers) {
            guard let controller = memory.controllers.first(where: { $0.index == part.controller }) else { continue }
            let module = part.module.map { controller.dimms[$0] }
            let counters: (corrected: UInt64?, uncorrected: UInt64?) = module.map { ($0.correctedErrors, $0.uncorrectedErrors) }
                ?? (controller.correctedNoInfo, controller.uncorrectedNoInfo)
            let correctedKey = Self.windowKey(part.id, .corrected)
            let uncorrectedKey = Self.windowKey(part.id, .uncorrected)
            present.formUnion([correctedKey, uncorrectedKey])

            var corrected = windows[correctedKey] ?? EventWindow()
            if let count = counters.corrected {
                corrected.observe(counter: count, at: now, firstSightShare: EventWindow.recentShare(uptime: uptime, window: window))
            }
            corrected.observe(eventsSinceStart: memory.kernelErrors.count(part.kernelKey, .corrected), at: now)
            corrected.expire(window: window, at: now, confirmWithin: confirmWithin)
            windows[correctedKey] = corrected
            next.window(of: corrected, seconds: window)

            var uncorrected = windows[uncorrectedKey] ?? EventWindow()
            if let count = counters.uncorrected { uncorrected.observe(counter: count, at: now) }
            uncorrected.observe(eventsSinceStart: memory.kernelErrors.count(part.kernelKey, .uncorrected), at: now)
            // Since boot: what was carried over from an earlier boot lies before it.
            uncorrected.expire(window: uptime, at: now, confirmWithin: confirmWithin)
            windows[uncorrectedKey] = uncorrected

            var verdict = judge(
                part, module: module, corrected: corrected.count(window: window, at: now),
                uncorrected: uncorrected.count(window: uptime, at: now), lastMessage: memory.kernelErrors.lastMessage[part.kernelKey])
            if let stale {
                verdict.stale = true
                if verdict.reason.isEmpty { verdict.reason = stale }
            }
            verdicts.append(verdict)
        }
        // Parts no longer there keep their windows while anything is in them: a DIMM that
        // goes and comes back (a driver reloaded) is not forgiven.
        for key in windows.keys where key.hasPrefix("\(ComponentKind.memory.idPrefix):") && !present.contains(key) {
            windows[key]?.expire(window: key.hasSuffix("/\(MemoryErrorType.uncorrected.rawValue)") ? uptime : window, at: now)
            if windows[key]?.isIdle == true { windows[key] = nil }
        }
        return verdicts
    }

    func judge(_ part: Part, module: MemoryModule?, corrected: UInt64, uncorrected: UInt64, lastMessage: String?) -> Verdict {
        let window = TextFormat.duration(config.ceRateWindowSeconds)
        let what = module == nil ? " the controller could not attribute to a DIMM" : ""
        var reasons: [String] = []
        var state = HealthState.ok
        if uncorrected > 0 {
            state = .failed
            var reason = "\(uncorrected) uncorrectable error\(uncorrected == 1 ? "" : "s")\(what) since boot"
            if let module, module.layout == .csrow, let row = module.location.first(where: { $0.layer == "csrow" }) {
                reason += " (on csrow \(row.position); the kernel cannot tell which channel)"
            }
            reasons.append(reason + "; take it out of service")
        }
        if corrected > UInt64(config.ceRateMaxErrors) {
            state = max(state, .degraded)
            reasons.append("\(corrected) corrected errors\(what) in \(window) (more than \(config.ceRateMaxErrors))")
        } else if corrected > 0 {
            reasons.append("\(corrected) corrected error\(corrected == 1 ? "" : "s")\(what) in \(window)")
        }
        if state != .ok, let lastMessage, !lastMessage.isEmpty { reasons.append("last: \(lastMessage)") }
        return Verdict(id: part.id, name: part.name, state: state, reason: reasons.joined(separator: "; "))
    }
}

extension HealthPolicy {
    /// Memory: one verdict per module and per controller.
    func judgeMemory(
        _ snapshot: HostSnapshot, memory: inout HealthMemory, now: Timestamp, readerProblems: inout [String],
        next: inout NextChange
    ) -> [Verdict] {
        guard let domain = snapshot.memory else { return [] }
        let limit = config.memory.staleAfterSeconds
        next.staleness(of: snapshot.reader(Collector.memory.rawValue), limit: limit)
        let stale = staleness(of: snapshot.reader(Collector.memory.rawValue), limit: limit, now: now)
        if let stale { readerProblems.append(stale) }
        return MemoryHealth(config: config.memory).verdicts(domain, windows: &memory.windows, now: now, stale: stale, next: &next)
    }
}
