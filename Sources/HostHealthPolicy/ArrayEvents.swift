internal import HostHealthModel
internal import HostHealthConfig

extension ArrayHealth {
    /// mdadm's event names for what changed between two looks at an array. Scrubs get their
    /// own names (`CheckStarted`, `RepairFinished`), and a finished rebuild says whether it
    /// completed or was aborted.
    func events(
        _ array: MDArray, id: ComponentID, before: ArrayMemory?, after: ArrayMemory, isStart: Bool
    ) -> [NamedEvent] {
        var events: [NamedEvent] = []
        func add(_ event: String, _ reason: String) {
            events.append(NamedEvent(component: id, name: array.name, event: event, reason: reason))
        }
        let degraded = array.degraded ?? 0
        guard let before, before.hasBeenRead else {
            // Seen before only as unreadable: not new, just readable now.
            if !isStart, before == nil { add("NewArray", "array \(array.name) appeared (\(array.level ?? "no level yet"))") }
            if degraded > 0 { add("DegradedArray", "\(degraded) of \(array.raidDisks ?? 0) disks missing") }
            if !isStart, before == nil, let action = after.syncAction { add(Self.startEvent(action), "\(Self.noun(action)) started") }
            return events
        }
        for name in after.faulty.subtracting(before.faulty).sorted() {
            // A member that held a full copy failed; one that was being rebuilt is a spare failing.
            let wasActive = before.inSync.contains(name) || !before.members.contains(name)
            add(wasActive ? "Fail" : "FailSpare", "member \(name) failed")
        }
        if degraded > (before.degraded ?? 0) {
            // Failed and already removed between two looks (a disk pulled out).
            for name in before.inSync.subtracting(after.members).sorted() {
                add("Fail", "member \(name) failed and was removed")
            }
        }
        for name in after.inSync.subtracting(before.inSync).sorted() where before.members.contains(name) {
            add("SpareActive", "member \(name) is now in sync")
        }
        if degraded > 0, (before.degraded ?? 0) == 0 {
            add("DegradedArray", "\(degraded) of \(array.raidDisks ?? 0) disks missing")
        }
        if let ended = before.syncAction, after.syncAction != ended {
            events.append(finished(ended, array: array, id: id, before: before))
        }
        if let action = after.syncAction, before.syncAction != action {
            let onto = array.members.filter(\.isRecovering).map(\.name)
            add(Self.startEvent(action), "\(Self.noun(action)) started" + (action == .recover && !onto.isEmpty ? " onto \(onto.joined(separator: ", "))" : ""))
        }
        if let action = after.syncAction, action.isRebuild {
            let previous = before.syncAction == action ? before.milestone : 0
            if after.milestone >= 20, after.milestone > previous {
                add("Rebuild\(after.milestone)", "\(Self.noun(action)) passed \(after.milestone)%")
            }
        }
        return events
    }

    func finished(_ action: SyncAction, array: MDArray, id: ComponentID, before: ArrayMemory) -> NamedEvent {
        let name: String
        let reason: String
        if action.isScrub {
            name = action == .check ? "CheckFinished" : "RepairFinished"
            let mismatches = array.mismatchSectors.map(String.init) ?? "unknown"
            reason = "\(action.rawValue) finished: \(mismatches) \(action == .check ? "mismatched" : "repaired") sectors"
        } else {
            name = "RebuildFinished"
            let completed = switch action {
            case .recover: (array.degraded ?? 0) == 0 || (array.degraded ?? 0) < (before.degradedAtStart ?? 0)
            case .resync: array.resyncStart == nil
            default: array.reshapePosition == nil
            }
            reason = completed
                ? "\(Self.noun(action)) completed"
                : "\(Self.noun(action)) aborted at \(Self.percent(before.progressRatio))"
        }
        return NamedEvent(component: id, name: array.name, event: name, reason: reason)
    }

    static func startEvent(_ action: SyncAction) -> String {
        switch action {
        case .check: "CheckStarted"
        case .repair: "RepairStarted"
        default: "RebuildStarted"
        }
    }
}
