package import HostHealthModel
package import HostHealthConfig

/// What the policy remembers about disks between evaluations.
package struct DiskMemory: Sendable, Equatable {
    /// Disks of the last evaluation, id → kernel name: one that goes is `DeviceDisappeared`.
    package var seen: [ComponentID: String] = [:]
    /// Kernel-log error totals over the burst window.
    package var kernelErrors: [ComponentID: CarrierHistory] = [:]
    /// The SMART counters of the last report judged, to tell a rise.
    package var smartCounters: [ComponentID: [String: Int64]] = [:]

    package init() {}
}

/// Judges each disk from its device state, its kernel-log error rate and its SMART report
/// (see `SmartHealth` for the SMART rules). SMART that cannot be read is a reason, never a
/// failure: many disks (virtio, USB bridges) have none.
package struct DiskHealth: Sendable {
    package var config: AgentConfig

    package init(config: AgentConfig) {
        self.config = config
    }

    /// Component ids for the disks: WWN, serial or path; two disks with the same one (two
    /// paths to one LUN, cloned serials) are told apart by kernel name so ids never collide.
    package static func componentIDs(_ disks: [String: Disk]) -> [String: ComponentID] {
        var byKey: [String: [String]] = [:]
        for (name, disk) in disks { byKey[disk.identity.key(fallbackName: name), default: []].append(name) }
        var ids: [String: ComponentID] = [:]
        for (key, names) in byKey {
            for name in names {
                ids[name] = ComponentID(kind: .disk, key: names.count == 1 ? key : "\(key)@\(name)")
            }
        }
        return ids
    }

    func verdict(
        _ disk: Disk, id: ComponentID, smart: SmartObservation?, smartHealth: SmartHealth?,
        recentErrors: UInt32?, errorKinds: [DiskErrorKind: UInt64], now: Timestamp
    ) -> Verdict {
        var state = HealthState.ok
        var reasons: [String] = []
        if disk.isOffline {
            state = .failed
            reasons.append("device state \(disk.deviceState ?? "offline")")
        } else if let deviceState = disk.deviceState, ["blocked", "resetting", "connecting", "quiesce"].contains(deviceState) {
            state = .degraded
            reasons.append("device state \(deviceState)")
        }
        if let recentErrors, recentErrors > UInt32(clamping: config.kmsg.burstMaxErrors) {
            state = max(state, .degraded)
            let kinds = errorKinds.keys.sorted().map(\.rawValue).joined(separator: ", ")
            reasons.append("\(recentErrors) kernel-reported errors in \(TextFormat.duration(config.kmsg.burstWindowSeconds)) (\(kinds))")
        }
        var stale = false
        if let smart {
            if let smartHealth, smartHealth.state != .unknown {
                state = max(state, smartHealth.state)
                reasons += smartHealth.reasons
            }
            if smart.standby {
                reasons.append("in standby, not woken for SMART")
            } else if let problem = smart.problem {
                reasons.append(smart.report == nil ? "SMART unavailable: \(problem)" : "SMART not refreshed: \(problem)")
            } else if let smartHealth, smartHealth.state == .unknown {
                reasons.append("SMART unavailable: " + smartHealth.reasons.joined(separator: "; "))
            }
            if let age = smart.age(at: now), age > config.smart.staleAfterSeconds {
                stale = true
            }
        }
        return Verdict(
            id: id, name: disk.name, state: state, reason: reasons.joined(separator: "; "), stale: stale,
            declared: disk.declared)
    }
}

extension HealthPolicy {
    /// Disks: one verdict per whole disk, `SmartErrorsRising` when a SMART error counter
    /// rises and `DeviceDisappeared` when a disk goes.
    func judgeDisks(
        _ snapshot: HostSnapshot, memory: inout HealthMemory, now: Timestamp, readerProblems: inout [String],
        events: inout [NamedEvent], next deadlines: inout NextChange
    ) -> [Verdict] {
        guard let disks = snapshot.disks else {
            memory.disks = DiskMemory()
            return []
        }
        deadlines.staleness(of: snapshot.reader("disks"), limit: config.disks.staleAfterSeconds)
        let stale = staleness(of: snapshot.reader("disks"), limit: config.disks.staleAfterSeconds, now: now)
        if let stale { readerProblems.append(stale) }
        let ids = DiskHealth.componentIDs(disks)
        let errors = snapshot.kernelDiskErrors?.perDisk(disks)
        let judge = DiskHealth(config: config)
        var next = DiskMemory()
        var verdicts: [Verdict] = []
        for (name, disk) in disks {
            guard let id = ids[name] else { continue }
            next.seen[id] = name
            var recent: UInt32?
            if let errors {
                let total = errors[name]?.values.reduce(0, +) ?? 0
                var history = memory.disks.kernelErrors[id] ?? CarrierHistory()
                history.record(UInt32(clamping: total), at: now, window: config.kmsg.burstWindowSeconds)
                next.kernelErrors[id] = history
                deadlines.window(of: history, seconds: config.kmsg.burstWindowSeconds)
                recent = history.changesInWindow
            }
            let observation = snapshot.smart?[name]
            // Its SMART report is shown stale once it is older than smart.stale_after.
            deadlines.after(observation?.readAt.map { $0 + config.smart.staleAfterSeconds })
            let smartHealth = observation?.report.map(SmartHealth.init)
            var verdict = judge.verdict(
                disk, id: id, smart: observation, smartHealth: smartHealth, recentErrors: recent,
                errorKinds: errors?[name] ?? [:], now: now)
            if let smartHealth {
                let previous = memory.disks.smartCounters[id]
                let rises = previous.map { smartHealth.rises(since: $0) } ?? []
                if !rises.isEmpty {
                    events.append(NamedEvent(component: id, name: name, event: "SmartErrorsRising", reason: rises.joined(separator: "; ")))
                }
                next.smartCounters[id] = smartHealth.counters
            }
            if let stale {
                verdict.stale = true
                verdict.reason = verdict.reason.isEmpty ? stale : verdict.reason
            }
            verdicts.append(verdict)
        }
        for (id, name) in memory.disks.seen.sorted(by: { $0.key < $1.key }) where next.seen[id] == nil {
            events.append(NamedEvent(component: id, name: name, event: "DeviceDisappeared", reason: "disk \(name) disappeared"))
        }
        memory.disks = next
        return verdicts
    }
}
