package import HostHealthModel
package import HostHealthConfig

/// What the policy carries from one evaluation to the next.
package struct HealthMemory: Sendable, Equatable {
    package var components: [ComponentID: HysteresisMemory] = [:]
    package var carrierHistory: [String: CarrierHistory] = [:]
    /// Per array; nil until arrays were first judged (arrays seen then are not `NewArray`).
    package var arrays: [ComponentID: ArrayMemory]?
    /// The limits each sensor was past at its last reading: a limit stays crossed until the
    /// reading clears it by the hysteresis.
    package var sensorLimitsCrossed: [ComponentID: Set<SensorLimit>] = [:]
    package var host: HostHealth?
    package var disks = DiskMemory()
    package var pcie = PCIeMemory()
    /// The operator's drain, set by the engine from `hostctl maintenance`; copied to the host.
    package var maintenance: Maintenance?
    /// Error counts over sliding windows, by `"<component id>/<series>"`: what "more than N in
    /// a window" rules read. The engine persists them in the state directory and restores
    /// them at start, so that a restart never forgives a component (see `EventWindow`).
    package var windows: EventWindows = [:]
    /// Per CPU package: how its throttle counters have been rising.
    package var throttling: [ComponentID: ThrottleHistory] = [:]
    /// Deadlines and last statuses of drift against the baseline.
    package var drift = DriftMemory()

    package init() {}
}

/// The result of one evaluation.
package struct HealthEvaluation: Sendable {
    package var report: HealthReport
    package var memory: HealthMemory
    package var transitions: [Transition]
    /// The earliest instant at which time alone could change a verdict, nil when only new
    /// data can: evaluating earlier would give the same result.
    package var nextChange: Timestamp?
}

/// The judgement step of the pipeline: a pure function of (previous memory, snapshot, config,
/// now). No clocks, files or sockets, so every rule is testable to the second.
package struct HealthPolicy: Sendable {
    package var config: AgentConfig

    package init(config: AgentConfig) {
        self.config = config
    }

    package func evaluate(previous: HealthMemory, snapshot: HostSnapshot, now: Timestamp) -> HealthEvaluation {
        var memory = previous
        var verdicts: [Verdict] = []
        var readerProblems: [String] = []
        var namedEvents: [NamedEvent] = []
        var next = NextChange(now: now)

        // Each domain judges its own components and says when time alone changes them; one
        // line per domain.
        verdicts += judgeLinks(snapshot, memory: &memory, now: now, readerProblems: &readerProblems, next: &next)
        verdicts += judgeArrays(snapshot, memory: &memory, now: now, readerProblems: &readerProblems, events: &namedEvents, next: &next)
        verdicts += judgeDisks(snapshot, memory: &memory, now: now, readerProblems: &readerProblems, events: &namedEvents, next: &next)
        verdicts += judgeSensors(snapshot, memory: &memory, now: now, readerProblems: &readerProblems, next: &next)
        verdicts += judgeMemory(snapshot, memory: &memory, now: now, readerProblems: &readerProblems, next: &next)
        verdicts += judgeCPU(snapshot, memory: &memory, now: now, readerProblems: &readerProblems, next: &next)
        verdicts += judgePCIe(snapshot, memory: &memory, now: now, readerProblems: &readerProblems, next: &next)
        let previousDrift = memory.drift
        let drift = judgeDrift(snapshot, verdicts: &verdicts, memory: &memory, now: now, next: &next)

        var evaluation = evaluate(verdicts: verdicts, readerProblems: readerProblems, events: namedEvents, memory: memory, now: now)
        if let drift {
            evaluation.report.drift = drift
            evaluation.report.baseline = config.baseline.map { BaselineReference(path: $0.path, sha256: $0.sha256) }
            evaluation.transitions += Self.driftTransitions(
                drift, previous: previousDrift, components: evaluation.report.components, host: evaluation.report.host.state, now: now)
        }
        next.at(evaluation.nextChange)
        evaluation.nextChange = next.earliest
        return evaluation
    }

    /// The host policy over the domains' verdicts, generic over kinds: the operator's policy
    /// (ignore, intent, converging capacity), hysteresis, then the host verdict.
    /// Its `nextChange` is the earliest pending hysteresis hold running out.
    /// - Parameters:
    ///   - readerProblems: readers that cannot vouch for their domain (the host fails closed).
    ///   - events: what the domains named themselves (mdadm's events), attached to transitions.
    ///   - memory: the previous evaluation's memory, with the domains' own parts updated.
    package func evaluate(
        verdicts: [Verdict], readerProblems: [String] = [], events namedEvents: [NamedEvent] = [], memory: HealthMemory,
        now: Timestamp
    ) -> HealthEvaluation {
        let previous = memory
        var memory = memory
        var transitions: [Transition] = []
        let policy = config.policy
        let verdicts = verdicts.map { policy.apply(to: $0) }

        var next: [ComponentID: HysteresisMemory] = [:]
        next.reserveCapacity(verdicts.count)
        for verdict in verdicts {
            let hysteresis = config.hysteresis(for: verdict.id)
            let (remembered, changedFrom) = hysteresis.apply(verdict, to: memory.components[verdict.id], now: now)
            next[verdict.id] = remembered
            if let from = changedFrom {
                // A component seen for the first time in state ok is not news.
                if from != nil || remembered.current.state != .ok {
                    transitions.append(Transition(
                        component: verdict.id, name: verdict.name, from: from,
                        to: remembered.current.state, reason: remembered.current.reason, at: now))
                }
            }
        }
        // A component that vanished while it was bad (a failed link deleted) must not let the
        // host recover at once: its disappearance is a better state like any other, taken only
        // after it has held.
        for (id, remembered) in memory.components where next[id] == nil && remembered.current.state != .ok {
            let gone = Verdict(id: id, name: remembered.current.name, state: .ok, reason: "")
            let (held, changedFrom) = config.hysteresis(for: id).apply(gone, to: remembered, now: now)
            if changedFrom != nil {
                transitions.append(Transition(
                    component: id, name: remembered.current.name, from: remembered.current.state,
                    to: .ok, reason: "no longer present", at: now))
            } else {
                next[id] = held
            }
        }
        memory.components = next
        transitions = NamedEvent.attach(namedEvents, to: transitions, components: next, previous: previous.components, now: now)

        let ignored = Set(verdicts.lazy.filter { policy.rule(for: $0).ignore == true }.map(\.id))
        let judged = next.values.map { remembered in
            var component = remembered.current
            component.ignored = ignored.contains(component.id) || (!policy.isEmpty && policy.rule(for: component.id).ignore == true)
            return component
        }
        // In id order. The positions are sorted, not the components: a hypervisor or storage
        // server has thousands, and a sort that moves them copies every one of them again and
        // again at each evaluation.
        let components = judged.indices.sorted { judged[$0].id < judged[$1].id }.map { judged[$0] }
        let host = judgeHost(
            components, readerProblems: readerProblems, previous: previous.host, maintenance: memory.maintenance, now: now)
        if let old = previous.host, old.state != host.state {
            transitions.append(Transition(
                component: nil, name: "host", from: old.state, to: host.state,
                reason: host.reasons.first ?? "", at: now))
        } else if previous.host == nil {
            // The first verdict is always news: in the journal it marks a start.
            transitions.append(Transition(
                component: nil, name: "host", from: nil, to: host.state,
                reason: host.reasons.first ?? "", at: now))
        }
        memory.host = host
        var holds = NextChange(now: now)
        for remembered in next.values {
            holds.at(Self.pendingTaken(remembered, hysteresis: config.hysteresis(for: remembered.current.id)))
        }
        return HealthEvaluation(
            report: HealthReport(host: host, components: components, evaluatedAt: now),
            memory: memory, transitions: transitions, nextChange: holds.earliest)
    }

    /// When a pending state is taken if it keeps holding: its hold after it was first seen.
    static func pendingTaken(_ memory: HysteresisMemory, hysteresis: Hysteresis) -> Timestamp? {
        guard let pending = memory.pendingState, let since = memory.pendingSince else { return nil }
        let hold = pending > memory.current.state ? hysteresis.worsenAfterSeconds : hysteresis.recoverAfterSeconds
        return since + hold
    }

    /// Links: carrier history for flap detection, then each link's verdict.
    func judgeLinks(
        _ snapshot: HostSnapshot, memory: inout HealthMemory, now: Timestamp, readerProblems: inout [String],
        next: inout NextChange
    ) -> [Verdict] {
        guard let links = snapshot.links else {
            memory.carrierHistory = [:]
            return []
        }
        let linkConfig = config.links
        var history: [String: CarrierHistory] = [:]
        history.reserveCapacity(links.count)
        for (name, link) in links {
            guard let changes = link.carrierChanges else { continue }
            var samples = memory.carrierHistory[name] ?? CarrierHistory()
            samples.record(changes, at: now, window: linkConfig.flapWindowSeconds)
            history[name] = samples
            next.window(of: samples, seconds: linkConfig.flapWindowSeconds)
        }
        memory.carrierHistory = history
        next.staleness(of: snapshot.reader("links"), limit: linkConfig.staleAfterSeconds)
        let stale = staleness(of: snapshot.reader("links"), limit: linkConfig.staleAfterSeconds, now: now)
        if let stale { readerProblems.append(stale) }
        return LinkHealth(config: linkConfig).verdicts(links: links, history: history, now: now, stale: stale)
    }

    /// A reader's data is stale when it never succeeded or its last success is too old.
    func staleness(of reader: ReaderStatus?, limit: Double, now: Timestamp) -> String? {
        guard let reader else { return nil }
        guard let age = reader.age(at: now) else {
            return "\(reader.name) reader has not read successfully yet" + (reader.lastError.map { ": \($0)" } ?? "")
        }
        if age > limit {
            // No running count of seconds: the reason stays the same while the state does.
            return "\(reader.name) reader stale: no good read for over \(TextFormat.duration(limit))" + (reader.lastError.map { ": \($0)" } ?? "")
        }
        return nil
    }

    /// The host takes the worst component state (components already smoothed by hysteresis)
    /// and the capacities combined by `policy.capacity` (the smallest, by default). A reader that cannot vouch for its domain makes the host
    /// `unknown` even when it has no components to mark: the answer fails closed.
    func judgeHost(
        _ components: [ComponentHealth], readerProblems: [String], previous: HostHealth?, maintenance: Maintenance? = nil,
        now: Timestamp
    ) -> HostHealth {
        var state = readerProblems.isEmpty ? HealthState.ok : .unknown
        var capacity = readerProblems.isEmpty ? 1.0 : 0
        var reasons = readerProblems
        // What the operator ignores is shown, never counted.
        let counted = components.filter { !$0.ignored }
        for component in counted {
            state = max(state, component.state)
            capacity = config.policy.capacity.combine(capacity, component.capacity)
        }
        let worstFirst = counted.filter { $0.state != .ok }.sorted {
            $0.state != $1.state ? $0.state > $1.state : $0.id < $1.id
        }
        for component in worstFirst {
            reasons.append("\(component.id.kind.rawValue) \(component.name): \(component.state.rawValue)"
                + (component.reason.isEmpty ? "" : ", \(component.reason)"))
        }
        let since = previous.flatMap { $0.state == state ? $0.since : nil } ?? now
        return HostHealth(state: state, capacity: capacity, since: since, reasons: reasons, maintenance: maintenance?.reason)
    }
}
