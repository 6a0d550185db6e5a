package import HostHealthModel
internal import HostHealthConfig

extension HealthPolicy {
    /// Drift against the loaded baseline, folded into the domains' verdicts: an item whose
    /// `on_drift` is `degrade` or `fail` worsens its component (or, when it is missing, stands
    /// as a component of its own); `warn` and `ignore` leave every verdict as it was.
    func judgeDrift(
        _ snapshot: HostSnapshot, verdicts: inout [Verdict], memory: inout HealthMemory, now: Timestamp, next: inout NextChange
    ) -> DriftReport? {
        guard let loaded = config.baseline else {
            memory.drift = DriftMemory()
            return nil
        }
        let unobserved = unobservedKinds(snapshot, now: now)
        let observed = DriftDomains.observe(snapshot)
        let rebuilds = Self.rebuilds(snapshot.arrays ?? [], verdicts: verdicts)
        let report: DriftReport
        if let last = memory.drift.last,
           last.holds(baseline: loaded.sha256, policy: config.policy, observed: observed, unobserved: unobserved, rebuilds: rebuilds, now: now) {
            report = last.report
        } else {
            var driftMemory: DriftMemory
            (report, driftMemory) = DriftPolicy(baseline: loaded.baseline, policy: config.policy).evaluate(
                observed: observed, unobserved: unobserved, rebuilds: rebuilds, memory: memory.drift, now: now)
            driftMemory.last = DriftJudgement(
                baseline: loaded.sha256, policy: config.policy, observed: observed, unobserved: unobserved, rebuilds: rebuilds,
                report: report)
            memory.drift = driftMemory
        }
        for item in report.items {
            if let deadline = item.deadline, item.status == .converging { next.at(deadline) }
        }
        verdicts = Self.fold(report, into: verdicts)
        return report
    }

    /// The kinds whose reader cannot vouch for what it shows now (stale, failed, never read),
    /// with why: judged `unknown`, and never recorded into a baseline.
    package func unobservedKinds(_ snapshot: HostSnapshot, now: Timestamp) -> [DriftKind: String] {
        var unobserved: [DriftKind: String] = [:]
        for domain in DriftDomains.all {
            let limit = config.staleAfterSeconds(of: domain.collector) ?? .infinity
            if let stale = staleness(of: snapshot.reader(domain.collector.rawValue), limit: limit, now: now) {
                unobserved[domain.kind] = stale
            }
        }
        return unobserved
    }

    /// How each array's rebuild goes, by normalised UUID, from its health verdict.
    static func rebuilds(_ arrays: [MDArray], verdicts: [Verdict]) -> [String: RebuildState] {
        var states: [ComponentID: HealthState] = [:]
        var progress: [ComponentID: (Double?, Double?)] = [:]
        for verdict in verdicts where verdict.id.kind == .array {
            states[verdict.id] = verdict.state
            progress[verdict.id] = (verdict.progress, verdict.etaSeconds)
        }
        var result: [String: RebuildState] = [:]
        for array in arrays {
            guard let uuid = array.uuid else { continue }
            let id = ComponentID(kind: .array, key: uuid)
            let recovering = array.members.contains(where: \.isRecovering) || array.syncAction?.isRebuild == true
            let state: RebuildState
            switch states[id] {
            case .converging:
                state = .advancing(progress: progress[id]?.0, etaSeconds: progress[id]?.1)
            case .ok:
                state = recovering ? .advancing(progress: nil, etaSeconds: nil) : .done
            default:
                state = recovering ? .stalled : (array.degraded ?? 0) > 0 ? .waiting : .done
            }
            result[DriftIdentity.normalise(uuid)] = state
        }
        return result
    }

    /// The drift that imposes a state, laid onto the verdicts.
    static func fold(_ report: DriftReport, into verdicts: [Verdict]) -> [Verdict] {
        var verdicts = verdicts
        var index: [ComponentID: Int] = [:]
        for (position, verdict) in verdicts.enumerated() { index[verdict.id] = position }
        for item in report.items where item.isDrift {
            guard let state = item.effect?.state else { continue }
            let reason = item.note.hasPrefix(item.status.rawValue)
                ? "drift: \(item.note)" : "drift: \(item.status.rawValue)" + (item.note.isEmpty ? "" : ", \(item.note)")
            let id = item.component ?? ComponentID(kind: .disk, key: item.id)
            if let position = index[id] {
                var verdict = verdicts[position]
                if state > verdict.state {
                    verdict.state = state
                    verdict.capacity = nil
                    verdict.reason = verdict.reason.isEmpty ? reason : "\(reason); \(verdict.reason)"
                } else {
                    verdict.reason = verdict.reason.isEmpty ? reason : "\(verdict.reason); \(reason)"
                }
                verdicts[position] = verdict
            } else {
                index[id] = verdicts.count
                verdicts.append(Verdict(id: id, name: item.declared?.name ?? item.id, state: state, reason: reason))
            }
        }
        return verdicts
    }

    /// Each change of an item's drift status, as a journal transition named `Drift<Status>`:
    /// the component's health state is unchanged by it (from == to), as for a named event.
    static func driftTransitions(_ report: DriftReport, previous: DriftMemory, components: [ComponentHealth], host: HealthState, now: Timestamp) -> [Transition] {
        var states: [ComponentID: HealthState] = [:]
        for component in components { states[component.id] = component.state }
        var transitions: [Transition] = []
        for item in report.items {
            let before = previous.statuses[item.key]
            // The first evaluation with a baseline announces only what deviates.
            guard before != item.status, before != nil || item.status != .inSync else { continue }
            let state = item.component.flatMap { states[$0] } ?? .ok
            let event = "Drift" + item.status.rawValue.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
            transitions.append(Transition(
                component: item.component, name: item.key, from: state, to: state,
                reason: "drift \(before?.rawValue ?? "none") → \(item.status.rawValue): \(item.note)", at: now, event: event))
        }
        return transitions
    }
}
