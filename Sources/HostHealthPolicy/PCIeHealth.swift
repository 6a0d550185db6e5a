package import HostHealthModel
package import HostHealthConfig

/// What the policy remembers about PCIe devices between evaluations, besides their error
/// windows (`HealthMemory.windows`, which survive a restart).
package struct PCIeMemory: Sendable, Equatable {
    /// Since when a link has been below its capability.
    package var belowSince: [ComponentID: Timestamp] = [:]

    package init() {}
}

/// Judges PCIe functions on their AER errors and link training. The rules and where their
/// thresholds come from:
///
/// - A fatal uncorrectable error since boot → `failed`. The PCIe Base Specification defines
///   ERR_FATAL as the link itself being unreliable; the kernel resets the link to recover, and
///   whatever was in flight is lost. The counters are since boot, so a restart forgives none.
///   A port's fatal errors that are only Surprise Down (a device below it went away, as in a
///   hot swap) are shown, not judged: the device that went is judged in its own domain.
/// - A non-fatal uncorrectable error (a rise seen while the agent watches, in sysfs or the
///   kernel log) → `degraded` for `pcie.nonfatal_hold` (1h, as a md member whose error count
///   rose): a transaction was lost and recovered. Counts already there when the agent first
///   read the device are not judged: boot-time probing leaves Unsupported Requests on many
///   healthy boards. Both error rules keep `EventWindow`s, which the agent saves in its state
///   directory: a restart neither forgives a rise nor judges an old count again.
/// - Correctable errors within `pcie.correctable_window` (1h) above what the link may make
///   inside the specification → `degraded`. The specification allows a bit error rate of
///   10^-12 per lane; each correctable error is at least one bit error, so a healthy link at
///   its trained rate R and width W makes at most R × W × 10^-12 per second (x16 at
///   16 GT/s: 921 an hour; x4 at 8 GT/s: 115). More than that is a link out of its
///   specification. `pcie.correctable_max` sets a fixed count instead.
/// - An attribute that cannot be read or means nothing (a count that is not a number) →
///   `unknown` unless something worse is known: it may hide an error (the house rule: fail
///   closed).
/// - Link training, for network, storage, GPU and accelerator functions (not virtual
///   functions, not bridges): fewer lanes or a lower rate than it can reach in its slot —
///   its own maximum bounded by its port's, so a x16 card in a x8 slot is not blamed — held
///   for `pcie.link_for` (30s) → `degraded`, both trainings in the reason. ASPM does not
///   change the trained rate or width; GPUs and accelerators lower their rate at idle by
///   design, so for them a lower rate is shown, and only fewer lanes degrades.
package struct PCIeHealth: Sendable {
    package var config: PCIeConfig

    package init(config: PCIeConfig) {
        self.config = config
    }

    package static func componentID(_ address: String) -> ComponentID {
        ComponentID(kind: .pcie, key: address)
    }

    /// Functions that are components: those whose link matters and those that report AER.
    /// The rest (host bridges, uncore functions) are only in the metrics.
    package static func isComponent(_ device: PCIeDevice) -> Bool {
        device.aer != nil || (device.category.linkMatters && !device.isVirtualFunction)
    }

    /// The correctable errors a link within its specification may make in `window` seconds.
    package func correctableLimit(_ device: PCIeDevice) -> Double {
        if let fixed = config.correctableMax { return fixed }
        let rate = device.link.current.transfersPerSecond ?? device.capable.transfersPerSecond ?? 2.5e9
        let lanes = Double(device.link.current.width ?? device.capable.width ?? 1)
        return max(1, (rate * lanes * Self.specBitErrorRate * config.correctableWindowSeconds).rounded(.down))
    }

    /// The PCIe Base Specification's bit error rate limit per lane (10^-12, every generation
    /// through 5.0; 6.0 keeps it after FEC).
    static let specBitErrorRate = 1e-12

    /// Names the kernel gives a Surprise Down fatal error, old and new.
    static let surpriseDown: Set<String> = ["Surprise Down Error", "SDES", "SurpriseDown"]

    /// The error windows' keys: `pcie:0000:3b:00.0/correctable`.
    package static func windowKey(_ id: ComponentID, _ severity: PCIeAERSeverity) -> String {
        "\(id)/\(severity.rawValue)"
    }

    /// One device's verdict. `logged`: AER errors the kernel log reported for it since the
    /// agent started; `memory` and `windows` are updated.
    func verdict(
        _ device: PCIeDevice, logged: [PCIeAERSeverity: UInt64], memory: inout PCIeMemory, windows: inout EventWindows,
        now: Timestamp, next: inout NextChange
    ) -> Verdict {
        let id = Self.componentID(device.address)
        var state = HealthState.ok
        var reasons: [String] = []
        let totals = device.aer?.totals ?? PCIeAERTotals()

        let fatal = max(totals.fatal ?? 0, logged[.fatal] ?? 0)
        if fatal > 0 {
            let names = device.aer?.breakdown[.fatal]?.filter { $0.value > 0 }.map(\.key) ?? []
            if device.category == .bridge, !names.isEmpty, names.allSatisfy(Self.surpriseDown.contains) {
                reasons.append("\(fatal) Surprise Down since boot (a device below went away)")
            } else {
                state = .failed
                reasons.append("\(fatal) fatal AER error\(fatal == 1 ? "" : "s") since boot" + Self.named(names))
            }
        }

        let nonFatal = Self.observe(
            &windows[Self.windowKey(id, .nonFatal), default: EventWindow()], counter: totals.nonFatal,
            logged: logged[.nonFatal], window: config.nonFatalHoldSeconds, now: now, next: &next)
        if nonFatal > 0 {
            state = max(state, .degraded)
            let names = device.aer?.breakdown[.nonFatal]?.filter { $0.value > 0 }.map(\.key) ?? []
            reasons.append("\(nonFatal) non-fatal AER error\(nonFatal == 1 ? "" : "s")" + Self.named(names)
                + " within \(TextFormat.duration(config.nonFatalHoldSeconds))")
        }

        if totals.correctable != nil || logged[.correctable] != nil {
            let recent = Double(Self.observe(
                &windows[Self.windowKey(id, .correctable), default: EventWindow()], counter: totals.correctable,
                logged: logged[.correctable], window: config.correctableWindowSeconds, now: now, next: &next))
            let limit = correctableLimit(device)
            if recent > limit {
                state = max(state, .degraded)
                reasons.append("\(Int(recent)) correctable AER errors in \(TextFormat.duration(config.correctableWindowSeconds)), "
                    + "over the \(Int(limit)) a link within the PCIe bit error rate makes")
            }
        }

        if let link = linkVerdict(device) {
            if link.degrades {
                let since = memory.belowSince[id] ?? now
                memory.belowSince[id] = since
                if now - since >= config.linkForSeconds {
                    state = max(state, .degraded)
                } else {
                    next.at(since + config.linkForSeconds)
                }
            } else {
                memory.belowSince[id] = nil
            }
            reasons.append(link.reason)
        } else {
            memory.belowSince[id] = nil
        }
        // What could not be read may hide an error: unknown unless something worse is known.
        if let problem = device.problem {
            state = max(state, .unknown)
            reasons.append("cannot read the device: \(problem)")
        }
        return Verdict(
            id: id, name: "\(device.address) \(device.name)", state: state, reason: reasons.joined(separator: "; "),
            declared: device.declared)
    }

    /// The link below what it can reach in its slot, and whether that degrades the device.
    func linkVerdict(_ device: PCIeDevice) -> (reason: String, degrades: Bool)? {
        guard config.linkTraining, device.category.linkMatters, !device.isVirtualFunction else { return nil }
        let current = device.link.current
        let capable = device.capable
        let narrower = current.width.flatMap { width in capable.width.map { width < $0 } } ?? false
        let slower = current.transfersPerSecond.flatMap { rate in capable.transfersPerSecond.map { rate < $0 } } ?? false
        guard narrower || slower else { return nil }
        let text = "PCIe \(current.text), capable of \(capable.text)"
        if !narrower, device.category.rateVariesWithLoad {
            return (text + " (the rate follows the load)", false)
        }
        return (text, true)
    }

    /// Feeds one severity's since-boot counter and kernel-log count into its window and gives
    /// the errors within `window` seconds. A count there before the agent first watched the
    /// device is its baseline (share 0): when those errors happened cannot be told.
    static func observe(
        _ errors: inout EventWindow, counter: UInt64?, logged: UInt64?, window: Double, now: Timestamp,
        next: inout NextChange
    ) -> UInt64 {
        if let logged { errors.observe(eventsSinceStart: logged, at: now) }
        if let counter { errors.observe(counter: counter, at: now, firstSightShare: 0) }
        errors.expire(window: window, at: now, confirmWithin: window)
        next.window(of: errors, seconds: window)
        return errors.count(window: window, at: now)
    }

    private static func named(_ names: [String]) -> String {
        names.isEmpty ? "" : " (\(names.sorted().joined(separator: ", ")))"
    }
}

extension HealthPolicy {
    /// PCIe: one verdict per function that matters or reports AER.
    func judgePCIe(
        _ snapshot: HostSnapshot, memory: inout HealthMemory, now: Timestamp, readerProblems: inout [String],
        next: inout NextChange
    ) -> [Verdict] {
        guard let devices = snapshot.pcie else {
            memory.pcie = PCIeMemory()
            return []
        }
        let pcie = config.pcie
        next.staleness(of: snapshot.reader("pcie"), limit: pcie.staleAfterSeconds)
        let stale = staleness(of: snapshot.reader("pcie"), limit: pcie.staleAfterSeconds, now: now)
        if let stale { readerProblems.append(stale) }
        let judge = PCIeHealth(config: pcie)
        var working = memory.pcie
        var windows = memory.windows
        var judged = Set<ComponentID>()
        var verdicts: [Verdict] = []
        for address in devices.keys.sorted() {
            guard let device = devices[address], PCIeHealth.isComponent(device) else { continue }
            judged.insert(PCIeHealth.componentID(address))
            var verdict = judge.verdict(
                device, logged: snapshot.pcieLogged?[address] ?? [:], memory: &working, windows: &windows, now: now, next: &next)
            if let stale {
                verdict.stale = true
                if verdict.reason.isEmpty { verdict.reason = stale }
            }
            verdicts.append(verdict)
        }
        // A device that went is forgotten with it once its windows hold nothing; its errors
        // stay counted while it is briefly away (a reset that re-enumerates it).
        working.belowSince = working.belowSince.filter { judged.contains($0.key) }
        let keys = Set(judged.flatMap { id in PCIeAERSeverity.allCases.map { PCIeHealth.windowKey(id, $0) } })
        let longest = max(pcie.correctableWindowSeconds, pcie.nonFatalHoldSeconds)
        for (key, var window) in windows where key.hasPrefix("pcie:") && !keys.contains(key) {
            window.expire(window: longest, at: now, confirmWithin: longest)
            windows[key] = window.isIdle ? nil : window
        }
        memory.pcie = working
        memory.windows = windows
        return verdicts
    }
}
