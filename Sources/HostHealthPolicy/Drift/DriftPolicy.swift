package import HostHealthModel
package import HostHealthConfig

/// How an array's rebuild is going, as the array's health verdict says: the drift policy does
/// not judge progress twice.
package enum RebuildState: Sendable, Equatable {
    case advancing(progress: Double?, etaSeconds: Double?)
    /// A rebuild that stopped moving, or a recovering member with no rebuild running.
    case stalled
    /// Every member in sync.
    case done
    /// Degraded with nothing rebuilding.
    case waiting
}

/// What drift judgement remembers between evaluations.
package struct DriftMemory: Sendable, Equatable {
    /// When each item's tolerated deviation was first seen: its deadline counts from there.
    package var deviatingSince: [String: Timestamp] = [:]
    /// Each item's last status, to journal changes.
    package var statuses: [String: DriftStatus] = [:]
    /// The last judgement and what it was made from: most evaluations (a sensor reading, a
    /// disk's counters, a tick) change nothing drift reads, and take it as it was.
    package var last: DriftJudgement?

    package init() {}
}

/// One drift judgement with its inputs.
package struct DriftJudgement: Sendable, Equatable {
    package var baseline: String
    package var policy: PolicyConfig
    package var observed: [DriftKind: [ObservedItem]]
    package var unobserved: [DriftKind: String]
    package var rebuilds: [String: RebuildState]
    package var report: DriftReport

    /// Whether judging `observed` again at `now` would give `report`: the same inputs, and no
    /// converging replacement's deadline passed since (time changes nothing else).
    func holds(
        baseline: String, policy: PolicyConfig, observed: [DriftKind: [ObservedItem]], unobserved: [DriftKind: String],
        rebuilds: [String: RebuildState], now: Timestamp
    ) -> Bool {
        guard self.baseline == baseline, self.unobserved == unobserved, self.rebuilds == rebuilds,
              self.policy == policy, self.observed == observed else { return false }
        return !report.items.contains { $0.status == .converging && ($0.deadline.map { $0 < now } ?? false) }
    }
}

/// The drift judgement: a pure function of (baseline, what the readers see, which readers
/// can vouch, how rebuilds go, memory, now). No clocks, files or sockets.
package struct DriftPolicy: Sendable {
    package var baseline: Baseline
    /// `policy:`'s intent per kind and component, used where the baseline sets none.
    package var policy: PolicyConfig

    package init(baseline: Baseline, policy: PolicyConfig = PolicyConfig()) {
        self.baseline = baseline
        self.policy = policy
    }

    /// The defaults of `converge_within`: a disk has three days to be replaced and rebuilt,
    /// an array (or anything else) one.
    package static func defaultConvergeWithin(_ kind: DriftKind) -> Double {
        kind == .disk ? 72 * 3600 : 24 * 3600
    }

    /// - Parameters:
    ///   - observed: `DriftDomains.observe(snapshot)`.
    ///   - unobserved: kinds whose reader cannot vouch now (stale, failed, off), with why.
    ///   - rebuilds: by normalised array UUID.
    package func evaluate(
        observed: [DriftKind: [ObservedItem]], unobserved: [DriftKind: String], rebuilds: [String: RebuildState],
        memory: DriftMemory, now: Timestamp
    ) -> (report: DriftReport, memory: DriftMemory) {
        var report = DriftReport()
        var next = DriftMemory()
        let kinds = baseline.declaredKinds.sorted()
        for kind in kinds {
            let declared = baseline.items(of: kind)
            report.expected[kind] = declared.count
            // unknown is never missing: a reader that cannot vouch makes its items unknown.
            guard let actual = observed[kind], unobserved[kind] == nil else {
                let why = unobserved[kind] ?? "the \(DriftDomains.domain(kind)?.collector.rawValue ?? kind.rawValue) reader is not running"
                report.unobserved[kind] = why
                // Nor does it restart a deadline: what was deviating keeps its start.
                for (key, since) in memory.deviatingSince where key.hasPrefix(kind.rawValue + ":") {
                    next.deviatingSince[key] = since
                }
                for item in declared {
                    report.items.append(DriftItem(
                        kind: kind, id: item.id, status: .unknown, intent: intent(item), declared: item, actual: nil,
                        note: why, component: Self.component(item)))
                }
                continue
            }
            let items = judge(kind: kind, declared: declared, actual: actual, observed: observed, rebuilds: rebuilds, memory: memory, now: now, next: &next)
            report.present[kind] = items.filter { $0.declared != nil && $0.status != .missing && $0.status != .unknown }.count
            report.items += items
        }
        report.items.sort { $0.kind != $1.kind ? $0.kind < $1.kind : $0.id < $1.id }
        for item in report.items { next.statuses[item.key] = item.status }
        return (report, next)
    }

    func judge(
        kind: DriftKind, declared: [BaselineItem], actual: [ObservedItem], observed: [DriftKind: [ObservedItem]],
        rebuilds: [String: RebuildState], memory: DriftMemory, now: Timestamp, next: inout DriftMemory
    ) -> [DriftItem] {
        var byID: [String: ObservedItem] = [:]
        var bySlot: [String: ObservedItem] = [:]
        for entry in actual {
            byID[entry.item.id] = entry
            if let slot = entry.item.slot { bySlot[slot] = entry }
        }
        let declaredIDs = Set(declared.map(\.id))
        var claimed = Set<String>()
        var items: [DriftItem] = []
        for item in declared {
            let intent = intent(item)
            let rule = baseline.rule(for: item)
            if let present = byID[item.id] {
                claimed.insert(item.id)
                var changes = Self.compare(item, present)
                var result = DriftItem(
                    kind: kind, id: item.id, status: .inSync, intent: intent, declared: item, actual: present.item,
                    component: present.item.component ?? Self.component(item))
                if let from = item.slot, let to = present.item.slot, from != to {
                    changes.insert(DriftChange(path: "slot", from: from, to: to), at: 0)
                    result.status = .moved
                } else if !changes.isEmpty {
                    result.status = kind == .link && changes.contains { $0.path == "permanent_mac" || $0.path == "pci_path" } ? .replaced : .changed
                }
                result.changes = changes
                if kind == .array, result.status == .changed {
                    tolerateMemberReplacement(&result, rule: rule, rebuilds: rebuilds, memory: memory, now: now, next: &next)
                }
                finish(&result, rule: rule)
                items.append(result)
            } else if let slot = item.slot, let occupant = bySlot[slot], !declaredIDs.contains(occupant.item.id) {
                // A new disk where the declared one was, and the declared one nowhere.
                claimed.insert(occupant.item.id)
                var result = DriftItem(
                    kind: kind, id: item.id, status: .replaced, intent: intent, declared: item, actual: occupant.item,
                    changes: [DriftChange(path: "id", from: item.id, to: occupant.item.id)],
                    component: occupant.item.component ?? Self.component(item))
                tolerateDiskReplacement(&result, occupant: occupant.item, rule: rule, observed: observed, rebuilds: rebuilds, memory: memory, now: now, next: &next)
                finish(&result, rule: rule)
                items.append(result)
            } else {
                var result = DriftItem(
                    kind: kind, id: item.id, status: .missing, intent: intent, declared: item, actual: nil,
                    note: "declared, not on the host", component: Self.component(item))
                finish(&result, rule: rule)
                items.append(result)
            }
        }
        for entry in actual where !claimed.contains(entry.item.id) && entry.declarable {
            var result = DriftItem(
                kind: kind, id: entry.item.id, status: .unexpected, intent: policyIntent(entry.item.component) ?? .converging,
                declared: nil, actual: entry.item, note: "on the host, not declared", component: entry.item.component)
            finish(&result, rule: baseline.kinds[kind] ?? DriftRule())
            items.append(result)
        }
        return items
    }

    /// A declared array whose only changes are a member's disk in a slot it kept: converging
    /// while the rebuild advances within the deadline, accepted-pending once it is done.
    func tolerateMemberReplacement(
        _ result: inout DriftItem, rule: DriftRule, rebuilds: [String: RebuildState], memory: DriftMemory, now: Timestamp,
        next: inout DriftMemory
    ) {
        let replacedRoles = result.changes.allSatisfy { change in
            guard change.path.hasPrefix("member."), !change.path.hasSuffix(".slot") else { return false }
            return change.from != nil && change.to != nil
        }
        guard replacedRoles else { return }
        result.status = .replaced
        converge(&result, rebuild: rebuilds[result.id] ?? .done, arrayName: result.actual?.name, rule: rule, memory: memory, now: now, next: &next)
    }

    /// A disk replaced in its slot: converging while the arrays it joined rebuild onto it.
    func tolerateDiskReplacement(
        _ result: inout DriftItem, occupant: BaselineItem, rule: DriftRule, observed: [DriftKind: [ObservedItem]],
        rebuilds: [String: RebuildState], memory: DriftMemory, now: Timestamp, next: inout DriftMemory
    ) {
        let arrays = (observed[.array] ?? []).filter { entry in
            entry.item.attributes.contains { $0.key.hasPrefix("member.") && !$0.key.hasSuffix(".slot") && $0.value == occupant.id }
        }
        // Arrays the old disk was declared in that the new one has not joined: nothing heals yet.
        let declaredIn = baseline.items(of: .array).filter { array in array.attributes.values.contains(result.id) }
        let joined = Set(arrays.map(\.item.id))
        if let waiting = declaredIn.first(where: { !joined.contains($0.id) }) {
            result.note = "replaced; not yet a member of array \(waiting.id)"
            result.deadline = deadline(result, rule: rule, memory: memory, now: now, next: &next)
            return
        }
        var state = RebuildState.done
        var name: String?
        for array in arrays {
            let rebuild = rebuilds[array.item.id] ?? .done
            name = name ?? array.item.name
            switch (state, rebuild) {
            case (_, .stalled), (_, .waiting): state = rebuild
            case (.done, .advancing): state = rebuild; name = array.item.name
            default: break
            }
        }
        converge(&result, rebuild: state, arrayName: name, rule: rule, memory: memory, now: now, next: &next)
    }

    /// The converging intent's tolerance: within the deadline and advancing is converging,
    /// done is accepted-pending, stalled or late is changed. Under immutable nothing is
    /// tolerated.
    func converge(
        _ result: inout DriftItem, rebuild: RebuildState, arrayName: String?, rule: DriftRule, memory: DriftMemory,
        now: Timestamp, next: inout DriftMemory
    ) {
        guard result.intent == .converging else {
            result.note = "replaced, and the intent is immutable"
            return
        }
        let within = rule.convergeWithinSeconds ?? Self.defaultConvergeWithin(result.kind)
        let array = arrayName.map { " \($0)" } ?? ""
        switch rebuild {
        case .done:
            result.acceptedPending = true
            result.note = "replaced and converged; run `hostctl baseline accept \(result.key)`"
        case .advancing(let progress, let eta):
            let deadline = deadline(result, rule: rule, memory: memory, now: now, next: &next)
            result.deadline = deadline
            result.progress = progress
            result.etaSeconds = eta
            var note = "replaced, rebuilding\(array)"
            if let progress { note += " \(Int((progress * 100).rounded(.down)))%" }
            if let eta { note += ", ETA \(TextFormat.duration(eta))" }
            if now <= deadline {
                result.status = .converging
                result.note = note + ", within \(TextFormat.duration(within))"
            } else {
                result.status = .changed
                result.note = note + ", past its \(TextFormat.duration(within)) deadline"
            }
        case .stalled:
            result.deadline = deadline(result, rule: rule, memory: memory, now: now, next: &next)
            result.status = .changed
            result.note = "replaced, but the rebuild of\(array.isEmpty ? " its array" : array) stalled"
        case .waiting:
            result.deadline = deadline(result, rule: rule, memory: memory, now: now, next: &next)
            result.note = "replaced; the array\(array) is not rebuilding onto it"
        }
    }

    func deadline(_ result: DriftItem, rule: DriftRule, memory: DriftMemory, now: Timestamp, next: inout DriftMemory) -> Timestamp {
        let since = memory.deviatingSince[result.key] ?? now
        next.deviatingSince[result.key] = since
        return since + (rule.convergeWithinSeconds ?? Self.defaultConvergeWithin(result.kind))
    }

    /// Sets what the item does upward: the item's or kind's `on_drift`, else the default for
    /// what changed.
    func finish(_ result: inout DriftItem, rule: DriftRule) {
        guard result.status != .inSync, result.status != .converging, result.status != .unknown, !result.acceptedPending else {
            result.effect = nil
            return
        }
        result.effect = rule.onDrift ?? Self.defaultEffect(result)
        if result.note.isEmpty { result.note = result.status.rawValue }
    }

    /// The defaults: a missing disk, array, member, link or PCIe device degrades, as do a link
    /// below its declared speed or duplex, a PCIe link trained below its declared width or rate, an array's shape, a stalled or late replacement and a
    /// replaced disk under immutable intent; the rest (MTU, labels, unexpected, moved) warn.
    package static func defaultEffect(_ item: DriftItem) -> DriftEffect {
        switch item.status {
        case .inSync, .converging, .unknown: return .warn
        case .unexpected, .moved: return .warn
        case .missing: return item.kind == .sensorChip ? .warn : .degrade
        case .replaced: return item.kind == .link ? .warn : .degrade
        case .changed:
            // A member's disk moved bays: the disk's own `moved` says so, and warns.
            if item.kind == .array, !item.changes.isEmpty, item.changes.allSatisfy({ $0.path.hasPrefix("member.") && $0.path.hasSuffix(".slot") }) {
                return .warn
            }
            if item.kind == .array || item.kind == .disk { return .degrade }
            var effect = DriftEffect.warn
            for change in item.changes {
                switch change.path {
                case "speed":
                    if let from = change.from.flatMap(Int.init), let to = change.to.flatMap(Int.init), to >= from { continue }
                    effect = .degrade
                case "duplex": effect = .degrade
                case "link_width", "link_speed":
                    // A PCIe link that trained lower than declared; higher is no harm.
                    if let from = change.from.flatMap(Self.leadingNumber), let to = change.to.flatMap(Self.leadingNumber), to >= from { continue }
                    effect = .degrade
                default: continue
                }
            }
            return effect
        }
    }

    /// `16.0` of `16.0 GT/s`, `8` of `8`.
    static func leadingNumber(_ text: String) -> Double? {
        Double(text.prefix { $0.isNumber || $0 == "." })
    }

    /// Declared attributes that differ; what the readers could not see is not a change, and
    /// what the baseline does not declare is not compared.
    static func compare(_ declared: BaselineItem, _ observed: ObservedItem) -> [DriftChange] {
        var changes: [DriftChange] = []
        for (name, value) in declared.attributes.sorted(by: { $0.key < $1.key }) where !observed.unknown.contains(name) {
            if name.hasPrefix("member."), observed.unknown.contains("member.") { continue }
            let actual = observed.item.attributes[name]
            // Normalising is the slow path: most attributes are equal as written.
            if actual != value, actual.map(DriftIdentity.normalise) != DriftIdentity.normalise(value) {
                changes.append(DriftChange(path: name, from: value, to: actual))
            }
        }
        // A role the array holds now that the baseline does not declare.
        guard declared.kind == .array else { return changes }
        for (name, value) in observed.item.attributes.sorted(by: { $0.key < $1.key })
        where name.hasPrefix("member.") && declared.attributes[name] == nil && !name.hasSuffix(".slot") {
            changes.append(DriftChange(path: name, from: nil, to: value))
        }
        return changes
    }

    func intent(_ item: BaselineItem) -> Intent {
        baseline.rule(for: item).intent ?? policyIntent(Self.component(item)) ?? .converging
    }

    func policyIntent(_ id: ComponentID?) -> Intent? {
        guard let id, !policy.isEmpty else { return nil }
        return policy.rule(for: id).intent
    }

    /// The health component a declared item stands for.
    static func component(_ item: BaselineItem) -> ComponentID? {
        switch item.kind {
        case .disk: ComponentID(kind: .disk, key: item.id)
        case .array: ComponentID(kind: .array, key: item.id)
        case .link: ComponentID(kind: .link, key: item.id)
        case .sensorChip: ComponentID(kind: .sensor, key: item.id)
        case .pcieDevice: ComponentID(kind: .pcie, key: item.id)
        default: nil
        }
    }
}
