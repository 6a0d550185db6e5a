package import HostHealthModel
package import HostHealthConfig

/// Judges md arrays on the spectrum: a rebuild that advances is `converging` (with progress,
/// speed and ETA), one that stalls or cannot start is `degraded`, an array that lost more than
/// its level survives is `failed`. check/repair scrubs are not degradation. Along the way it
/// names what happened with mdadm's event names, but never calls a scrub a rebuild.
package struct ArrayHealth: Sendable {
    package var config: ArrayConfig

    package init(config: ArrayConfig) {
        self.config = config
    }

    /// What one evaluation of all arrays gives.
    package struct Judgement: Sendable {
        package var verdicts: [Verdict]
        package var memory: [ComponentID: ArrayMemory]
        package var events: [NamedEvent]
    }

    /// Arrays by uuid; an array without one (being assembled) by its kernel name.
    package static func componentID(_ array: MDArray) -> ComponentID {
        ComponentID(kind: .array, key: array.uuid ?? array.name)
    }

    /// `previous` is nil the first time arrays are judged: arrays present at start are not
    /// `NewArray`, but a degraded one is still announced, as `mdadm --monitor` does.
    package func judge(
        _ arrays: [MDArray], previous: [ComponentID: ArrayMemory]?, now: Timestamp, stale: String?
    ) -> Judgement {
        var judgement = Judgement(verdicts: [], memory: [:], events: [])
        for array in arrays {
            let id = Self.componentID(array)
            // Two arrays claiming one uuid: the second is judged under its name, never merged.
            let key = judgement.memory[id] == nil ? id : ComponentID(kind: .array, key: array.name)
            let before = previous?[key]
            let memory = remember(array, previous: before, now: now)
            var verdict = judge(array, id: key, memory: memory, now: now)
            if let stale {
                verdict = Verdict(id: key, name: array.name, state: .unknown, reason: stale, stale: true)
            }
            judgement.verdicts.append(verdict)
            judgement.memory[key] = memory
            if array.problem == nil {
                judgement.events += events(array, id: key, before: before, after: memory, isStart: previous == nil)
            }
        }
        for (id, gone) in previous ?? [:] where judgement.memory[id] == nil {
            judgement.events.append(NamedEvent(
                component: id, name: gone.name, event: "DeviceDisappeared", reason: "array \(gone.name) is gone"))
        }
        return judgement
    }

    // MARK: - Memory

    func remember(_ array: MDArray, previous: ArrayMemory?, now: Timestamp) -> ArrayMemory {
        var memory = previous ?? ArrayMemory(name: array.name)
        memory.name = array.name
        guard array.problem == nil else { return memory }
        memory.hasBeenRead = true
        let action = array.syncAction.flatMap { $0.isRebuild || $0.isScrub ? $0 : nil }
        if memory.syncAction != nil, memory.syncAction != action {
            memory.lastSyncAction = memory.syncAction
            memory.syncAction = nil
        }
        if memory.syncAction == nil, let action, array.syncProgress != nil {
            memory.syncAction = action
            memory.milestone = 0
            memory.degradedAtStart = array.degraded
            memory.progressDone = nil
        }
        if let progress = array.syncProgress, memory.syncAction != nil {
            if memory.progressDone != progress.done || memory.progressAdvancedAt == nil {
                memory.progressAdvancedAt = now
            }
            memory.progressDone = progress.done
            memory.progressRatio = array.syncCompleted?.ratio
            if let ratio = memory.progressRatio {
                // mdadm's Rebuild20…Rebuild80: the highest step passed.
                memory.milestone = max(memory.milestone, min(80, Int((ratio * 100).rounded(.down)) / 20 * 20))
            }
            memory.waitingSince = nil
        } else if let action, action.isRebuild {
            // Asked for but not running: delayed behind another array, or pending.
            memory.waitingSince = memory.waitingSince ?? now
        } else {
            memory.progressDone = nil
            memory.progressAdvancedAt = nil
            memory.waitingSince = nil
        }
        var errors: [String: UInt64] = [:]
        var roseAt: [String: Timestamp] = [:]
        for member in array.members {
            guard let count = member.errors else { continue }
            errors[member.name] = count
            if let before = memory.memberErrors[member.name], count > before {
                roseAt[member.name] = now
            } else if let rose = memory.errorsRoseAt[member.name] {
                roseAt[member.name] = rose
            }
        }
        memory.memberErrors = errors
        memory.errorsRoseAt = roseAt
        memory.degraded = array.degraded
        memory.faulty = Set(array.members.filter(\.isFaulty).map(\.name))
        memory.inSync = Set(array.members.filter(\.isInSync).map(\.name))
        memory.members = Set(array.members.map(\.name))
        return memory
    }

    // MARK: - Verdict

    func judge(_ array: MDArray, id: ComponentID, memory: ArrayMemory, now: Timestamp) -> Verdict {
        func verdict(_ state: HealthState, _ reason: String, progress: Double? = nil, eta: Double? = nil) -> Verdict {
            Verdict(
                id: id, name: array.name, state: state, reason: reason, progress: progress, etaSeconds: eta,
                capacity: state == .converging ? config.convergingCapacity : nil, declared: array.declared)
        }
        if let problem = array.problem {
            return verdict(.unknown, "cannot read the array: \(problem)")
        }
        if array.isContainer {
            return verdict(.ok, "")
        }
        let notRunning = array.arrayState == .clear || array.arrayState == .inactive
        if notRunning, array.members.isEmpty, array.level == nil {
            // An md device node opened or being set up, with nothing in it: no array to judge.
            return verdict(.ok, "empty md device")
        }
        switch array.arrayState {
        case .clear?, .inactive?:
            return verdict(.failed, "array is \(array.arrayState?.rawValue ?? "inactive"): it serves no I/O")
        case .broken?:
            return verdict(.failed, "array is broken: it lost more members than \(array.level ?? "its level") survives")
        default:
            break
        }
        if let loss = ArrayRedundancy(array).loss {
            return verdict(.failed, loss)
        }
        if array.arrayState == .suspended {
            return verdict(.degraded, "array is suspended: I/O is blocked")
        }
        let degraded = array.degraded ?? 0
        if let action = array.syncAction, action.isRebuild {
            if let progress = array.syncProgress {
                let ratio = array.syncCompleted?.ratio
                if let since = memory.progressAdvancedAt, now - since >= config.stallAfterSeconds {
                    return verdict(.degraded, "\(Self.noun(action)) stalled at \(Self.percent(ratio)) for over \(TextFormat.duration(config.stallAfterSeconds))")
                }
                let eta = Self.eta(done: progress.done, total: progress.total, speed: array.syncSpeedBytesPerSecond)
                return verdict(.converging, Self.healing(array, action) + Self.progressText(ratio, array.syncSpeedBytesPerSecond), progress: ratio, eta: eta)
            }
            let why = array.syncCompleted == .delayed ? "delayed behind another array's sync" : "pending"
            if let since = memory.waitingSince, now - since >= config.pendingAfterSeconds {
                return verdict(.degraded, "\(Self.noun(action)) \(why) for over \(TextFormat.duration(config.pendingAfterSeconds))")
            }
            return verdict(.converging, "\(Self.noun(action)) \(why)")
        }
        if degraded > 0 {
            let missing = "\(degraded) of \(array.raidDisks.map(String.init) ?? "?") disks missing"
            let spares = array.members.filter { $0.slot == nil && !$0.isFaulty && $0.flags.contains(.spare) }
            if array.syncAction == .frozen {
                return verdict(.degraded, "\(missing), recovery frozen")
            }
            return verdict(.degraded, spares.isEmpty
                ? "\(missing), no spare to recover onto"
                : "\(missing), recovery not running (spare \(spares.map(\.name).joined(separator: ", ")))")
        }
        let rising = memory.errorsRoseAt.filter { now - $0.value < config.errorsWindowSeconds }.keys.sorted()
        if let member = rising.first {
            let count = memory.memberErrors[member].map(String.init) ?? "?"
            return verdict(.degraded, "member \(member) errors rising (now \(count))")
        }
        // md keeps a member whose writes failed (its bad-block log took them): a disk to replace.
        if let member = array.members.first(where: { $0.flags.contains(.writeError) && !$0.isFaulty }) {
            return verdict(.degraded, "member \(member.name) has had write errors")
        }
        let lastAction = array.lastSyncAction ?? memory.lastSyncAction
        if array.syncAction == .idle || array.syncAction == nil, lastAction == .check,
           let mismatches = array.mismatchSectors, mismatches > 0, Self.mismatchesMatter(array.level) {
            return verdict(.degraded, "last check found \(mismatches) mismatched sectors")
        }
        if let action = array.syncAction, action.isScrub {
            guard let progress = array.syncProgress else {
                return verdict(.ok, "\(action.rawValue) \(array.syncCompleted == .delayed ? "delayed" : "pending")")
            }
            let ratio = array.syncCompleted?.ratio
            return verdict(.ok, "\(action.rawValue) " + Self.progressText(ratio, array.syncSpeedBytesPerSecond).dropFirst(2),
                progress: ratio, eta: Self.eta(done: progress.done, total: progress.total, speed: array.syncSpeedBytesPerSecond))
        }
        return verdict(.ok, array.arrayState == .readonly ? "read-only" : "")
    }

    /// When time alone changes this array's verdict: a rebuild that has not advanced stalls, a
    /// rebuild left waiting is overdue, a member's rising errors leave their window.
    func deadlines(of memory: ArrayMemory, into next: inout NextChange) {
        if memory.syncAction != nil, let advanced = memory.progressAdvancedAt {
            next.at(advanced + config.stallAfterSeconds)
        }
        if let waiting = memory.waitingSince {
            next.at(waiting + config.pendingAfterSeconds)
        }
        for rose in memory.errorsRoseAt.values {
            next.at(rose + config.errorsWindowSeconds)
        }
    }

    /// raid1 and raid10 count mismatches in blocks no one reads (swap, aborted writes): noise.
    static func mismatchesMatter(_ level: String?) -> Bool {
        level == "raid4" || level == "raid5" || level == "raid6"
    }

    static func healing(_ array: MDArray, _ action: SyncAction) -> String {
        switch action {
        case .recover:
            let targets = array.members.filter(\.isRecovering).map(\.name)
            return targets.isEmpty ? "recovering" : "recovering onto \(targets.joined(separator: ", "))"
        case .resync:
            return (array.degraded ?? 0) == 0 ? "resyncing after an unclean shutdown" : "resyncing"
        case .reshape:
            if let old = array.previousRaidDisks, let new = array.raidDisks, old != new {
                return "reshaping from \(old) to \(new) disks"
            }
            return "reshaping"
        default:
            return action.rawValue
        }
    }

    static func noun(_ action: SyncAction) -> String {
        switch action {
        case .recover: "recovery"
        case .resync: "resync"
        case .reshape: "reshape"
        default: action.rawValue
        }
    }

    /// `, 42% done, 120 MB/s`
    static func progressText(_ ratio: Double?, _ speed: UInt64?) -> String {
        var text = ", \(percent(ratio)) done"
        if let speed, speed > 0 { text += ", \(rate(speed))" }
        return text
    }

    static func percent(_ ratio: Double?) -> String {
        ratio.map { "\(Int(($0 * 100).rounded(.down)))%" } ?? "?%"
    }

    static func rate(_ bytesPerSecond: UInt64) -> String {
        bytesPerSecond >= 1_000_000 ? "\(bytesPerSecond / 1_000_000) MB/s" : "\(bytesPerSecond / 1000) kB/s"
    }

    /// Seconds left at the current speed; sectors are 512 bytes whatever the disk.
    package static func eta(done: UInt64, total: UInt64, speed: UInt64?) -> Double? {
        guard let speed, speed > 0, total >= done else { return nil }
        return (Double(total - done) * 512 / Double(speed)).rounded()
    }
}

extension HealthPolicy {
    /// md arrays: each array's verdict, with what happened to it as mdadm-named events.
    func judgeArrays(
        _ snapshot: HostSnapshot, memory: inout HealthMemory, now: Timestamp, readerProblems: inout [String],
        events: inout [NamedEvent], next: inout NextChange
    ) -> [Verdict] {
        guard let arrays = snapshot.arrays else {
            memory.arrays = nil
            return []
        }
        next.staleness(of: snapshot.reader("arrays"), limit: config.arrays.staleAfterSeconds)
        let stale = staleness(of: snapshot.reader("arrays"), limit: config.arrays.staleAfterSeconds, now: now)
        if let stale { readerProblems.append(stale) }
        // Another reader may be judged before this one first read: the arrays that read then
        // finds are the start's, not new ones.
        if let reader = snapshot.reader("arrays"), reader.lastSuccess == nil, memory.arrays == nil {
            return []
        }
        let judgement = ArrayHealth(config: config.arrays).judge(arrays, previous: memory.arrays, now: now, stale: stale)
        memory.arrays = judgement.memory
        for remembered in judgement.memory.values { ArrayHealth(config: config.arrays).deadlines(of: remembered, into: &next) }
        events += judgement.events
        return judgement.verdicts
    }
}
