package import HostHealthModel
package import HostHealthConfig

/// How a package's throttle counters have been rising: since when without a pause longer than
/// the gap, and when they last rose.
package struct ThrottleHistory: Sendable, Equatable {
    package var lastCount: UInt64?
    package var lastNotices: UInt64 = 0
    package var risingSince: Timestamp?
    package var lastRise: Timestamp?

    package init() {}

    /// Takes the counters (throttle events since boot, and the kernel log's throttle notices
    /// since the agent started) at `now`.
    package mutating func observe(count: UInt64?, notices: UInt64, at now: Timestamp, gap: Double) {
        var rose = notices > lastNotices
        lastNotices = notices
        if let count {
            if let last = lastCount, count > last { rose = true }
            lastCount = count
        }
        if rose {
            if risingSince == nil || lastRise.map({ now - $0 > gap }) == true { risingSince = now }
            lastRise = now
        } else if let lastRise, now - lastRise > gap {
            risingSince = nil
        }
    }

    /// Seconds it has kept rising at `now`, nil when it is not rising.
    package func risingFor(at now: Timestamp, gap: Double) -> Double? {
        guard let risingSince, let lastRise, now - lastRise <= gap else { return nil }
        return now - risingSince
    }
}

/// Judges CPU packages: thermal throttling that keeps rising for longer than
/// `cpu.throttling.for` is `degraded`; corrected machine checks above `cpu.mce_rate` are
/// `degraded`; an uncorrected machine check the host survived is `failed` until the next boot
/// (see `CPUConfig` for where each default comes from). Machine checks are counted through the
/// error windows (`cpu:package0/corrected`, `…/uncorrected`), so a restart forgives none.
/// A package is a component when the kernel keeps throttle counts for it or the log reported
/// a machine check on it; most virtual machines have neither, and no cpu components.
package struct CPUHealth: Sendable {
    package var config: CPUConfig

    package init(config: CPUConfig) {
        self.config = config
    }

    package static func id(_ package: Int) -> ComponentID {
        ComponentID(kind: .cpu, key: package < 0 ? "unknown-package" : "package\(package)")
    }

    package func verdicts(
        _ cpu: CPUSnapshot, windows: inout EventWindows, throttling: inout [ComponentID: ThrottleHistory], now: Timestamp,
        stale: String?, next: inout NextChange
    ) -> [Verdict] {
        let uptime = max(0, now.secondsSinceEpoch)
        let gap = config.throttleGapSeconds
        let window = config.mceRateWindowSeconds
        var packages = Set(cpu.packages.filter(\.hasThrottleCounts).map(\.id)).union(cpu.machineChecks.packages)
        for key in windows.keys where key.hasPrefix("\(ComponentKind.cpu.idPrefix):") {
            // A package with machine checks from before the restart stays a component.
            if let id = cpu.packages.first(where: { key.hasPrefix("\(Self.id($0.id))/") })?.id { packages.insert(id) }
        }
        var history: [ComponentID: ThrottleHistory] = [:]
        var verdicts: [Verdict] = []
        for packageID in packages.sorted() {
            let id = Self.id(packageID)
            let package = cpu.packages.first { $0.id == packageID }
            var throttle = throttling[id] ?? ThrottleHistory()
            throttle.observe(count: package?.throttleEvents, notices: cpu.machineChecks.throttleNotices[packageID] ?? 0, at: now, gap: gap)
            history[id] = throttle
            if let since = throttle.risingSince, let last = throttle.lastRise {
                next.at(since + config.throttleForSeconds)
                next.after(last + gap)
            }

            let correctedKey = "\(id)/corrected"
            var corrected = windows[correctedKey] ?? EventWindow()
            corrected.observe(eventsSinceStart: cpu.machineChecks.count(package: packageID, uncorrected: false), at: now)
            corrected.expire(window: window, at: now, confirmWithin: 0)
            windows[correctedKey] = corrected.isIdle && corrected.total == 0 ? nil : corrected
            next.window(of: corrected, seconds: window)
            let uncorrectedKey = "\(id)/uncorrected"
            var uncorrected = windows[uncorrectedKey] ?? EventWindow()
            uncorrected.observe(eventsSinceStart: cpu.machineChecks.count(package: packageID, uncorrected: true), at: now)
            uncorrected.expire(window: uptime, at: now, confirmWithin: 0)
            windows[uncorrectedKey] = uncorrected.isIdle && uncorrected.total == 0 ? nil : uncorrected

            var state = HealthState.ok
            var reasons: [String] = []
            let fatal = uncorrected.count(window: uptime, at: now)
            if fatal > 0 {
                state = .failed
                reasons.append("\(fatal) uncorrected machine check\(fatal == 1 ? "" : "s") since boot")
            }
            let soft = corrected.count(window: window, at: now)
            if soft > UInt64(config.mceRateMaxErrors) {
                state = max(state, .degraded)
                reasons.append("\(soft) corrected machine checks in \(TextFormat.duration(window)) (more than \(config.mceRateMaxErrors))")
            } else if soft > 0 {
                reasons.append("\(soft) corrected machine check\(soft == 1 ? "" : "s") in \(TextFormat.duration(window))")
            }
            if let rising = throttle.risingFor(at: now, gap: gap) {
                if rising >= config.throttleForSeconds {
                    state = max(state, .degraded)
                    reasons.append("thermal throttling for over \(TextFormat.duration(config.throttleForSeconds))")
                } else {
                    reasons.append("thermal throttling")
                }
            }
            if fatal > 0 || soft > 0, let last = cpu.machineChecks.last[packageID] { reasons.append("last: \(last)") }
            var verdict = Verdict(id: id, name: id.key, state: state, reason: reasons.joined(separator: "; "))
            if let stale {
                verdict.stale = true
                if verdict.reason.isEmpty { verdict.reason = stale }
            }
            verdicts.append(verdict)
        }
        throttling = history
        return verdicts
    }
}

extension HealthPolicy {
    /// CPU packages: throttling and machine checks.
    func judgeCPU(
        _ snapshot: HostSnapshot, memory: inout HealthMemory, now: Timestamp, readerProblems: inout [String],
        next: inout NextChange
    ) -> [Verdict] {
        guard let cpu = snapshot.cpu else {
            memory.throttling = [:]
            return []
        }
        let limit = config.cpu.staleAfterSeconds
        next.staleness(of: snapshot.reader(Collector.cpu.rawValue), limit: limit)
        let stale = staleness(of: snapshot.reader(Collector.cpu.rawValue), limit: limit, now: now)
        if let stale { readerProblems.append(stale) }
        return CPUHealth(config: config.cpu).verdicts(
            cpu, windows: &memory.windows, throttling: &memory.throttling, now: now, stale: stale, next: &next)
    }
}
