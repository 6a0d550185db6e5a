internal import YAML

/// What the operator intends for a layer (DESIGN §1). Under `immutable` no movement is
/// accepted: a component that is converging (healing, rebuilding, renegotiating) counts as
/// degraded. Under `converging`, the default, healing in place is fine.
public enum Intent: String, Sendable, CaseIterable {
    case immutable
    case converging
}

/// The operator's policy for one kind of component or for some components: every field
/// optional, so rules layer (domain default, then kind, then what the device declares, then
/// the matching `components:` entry of the file).
public struct ComponentRule: Sendable, Equatable {
    /// Shown, but never counted in the host's state or capacity.
    public var ignore: Bool?
    public var intent: Intent?
    /// The traffic share while converging, instead of the domain's figure.
    public var convergingCapacity: Double?
    /// `for:` — a worse state is taken only after it has held this long.
    public var worsenAfterSeconds: Double?
    /// `recover_after:` — a better state is taken only after it has held this long.
    public var recoverAfterSeconds: Double?

    public init(
        ignore: Bool? = nil, intent: Intent? = nil, convergingCapacity: Double? = nil,
        worsenAfterSeconds: Double? = nil, recoverAfterSeconds: Double? = nil
    ) {
        self.ignore = ignore
        self.intent = intent
        self.convergingCapacity = convergingCapacity
        self.worsenAfterSeconds = worsenAfterSeconds
        self.recoverAfterSeconds = recoverAfterSeconds
    }

    /// What a device declares through the shipped udev rules: `HOSTHEALTH_IGNORE=1` and
    /// `HOSTHEALTH_INTENT=immutable|converging`. Nil when it declares nothing usable.
    public init?(udevProperties properties: [String: String]) {
        self.init()
        if let text = properties["HOSTHEALTH_IGNORE"] {
            ignore = ["1", "true", "yes"].contains(text.lowercased())
        }
        intent = properties["HOSTHEALTH_INTENT"].flatMap { Intent(rawValue: $0.lowercased()) }
        if self == ComponentRule() { return nil }
    }

    /// This rule with `other`'s fields laid over it where `other` sets them.
    public func overlaid(by other: ComponentRule?) -> ComponentRule {
        guard let other else { return self }
        return ComponentRule(
            ignore: other.ignore ?? ignore, intent: other.intent ?? intent,
            convergingCapacity: other.convergingCapacity ?? convergingCapacity,
            worsenAfterSeconds: other.worsenAfterSeconds ?? worsenAfterSeconds,
            recoverAfterSeconds: other.recoverAfterSeconds ?? recoverAfterSeconds)
    }
}

/// How the capacities of the components combine into the host's. Only converging components
/// bring a share between 0 and 1 (ok is 1; degraded, failed and unknown are 0), so the choice
/// matters when several heal at once.
public enum CapacityCombination: String, Sendable, CaseIterable {
    /// The host serves at the pace of its slowest part: two arrays rebuilding at 50% leave 50%.
    /// The default: parts usually share no bottleneck, and the product would fall quickly on a
    /// host with many healing parts.
    case minimum
    /// Shares compound: two arrays rebuilding at 50% on the same I/O path leave 25%.
    case product

    public func combine(_ host: Double, _ component: Double) -> Double {
        switch self {
        case .minimum: min(host, component)
        case .product: host * component
        }
    }
}

/// `policy:` — the host policy over every kind of component.
///
///     policy:
///       capacity: minimum             # or product
///       kinds:
///         array: {intent: converging, converging_capacity: 0.5, recover_after: 1m}
///         sensor: {for: 2m}
///       components:                   # by id or glob on the id; the first match applies
///         "link:eth1": {ignore: true}
///         "md:4f1c*": {intent: immutable}
public struct PolicyConfig: Sendable, Equatable {
    public var capacity: CapacityCombination
    public var kinds: [ComponentKind: ComponentRule]
    /// In file order: the first pattern that matches a component's id applies.
    public var components: [(pattern: LinkPattern, rule: ComponentRule)]

    public init(
        capacity: CapacityCombination = .minimum, kinds: [ComponentKind: ComponentRule] = [:],
        components: [(pattern: LinkPattern, rule: ComponentRule)] = []
    ) {
        self.capacity = capacity
        self.kinds = kinds
        self.components = components
    }

    public static func == (lhs: PolicyConfig, rhs: PolicyConfig) -> Bool {
        lhs.capacity == rhs.capacity && lhs.kinds == rhs.kinds
            && lhs.components.elementsEqual(rhs.components) { $0.pattern == $1.pattern && $0.rule == $1.rule }
    }

    /// The rule for a component from the file alone: its kind's, with its own laid over.
    public func rule(for id: ComponentID) -> ComponentRule {
        let own = ownRule(for: id)
        return (kinds[id.kind] ?? ComponentRule()).overlaid(by: own)
    }

    /// The rule for a verdict: its kind's, then what the device declares, then the file's entry
    /// for it (the operator's file has the last word).
    public func rule(for verdict: Verdict) -> ComponentRule {
        let own = ownRule(for: verdict.id)
        return (kinds[verdict.id.kind] ?? ComponentRule()).overlaid(by: verdict.declared).overlaid(by: own)
    }

    /// The first `components:` entry matching the id; skips building the id's text when there
    /// are none (a host with a thousand links judges on every link event).
    private func ownRule(for id: ComponentID) -> ComponentRule? {
        components.isEmpty ? nil : components.first { $0.pattern.matches(id.description) }?.rule
    }

    /// No rule at all: the policy changes nothing.
    public var isEmpty: Bool { kinds.isEmpty && components.isEmpty }

    /// The generic step after the domains judge: intent and converging capacity.
    public func apply(to verdict: Verdict) -> Verdict {
        guard verdict.state == .converging else { return verdict }
        let rule = rule(for: verdict)
        var verdict = verdict
        if rule.intent == .immutable {
            verdict.state = .degraded
            verdict.reason = "converging, but the intent is immutable (no movement accepted)"
                + (verdict.reason.isEmpty ? "" : ": " + verdict.reason)
            verdict.capacity = nil
        } else if let share = rule.convergingCapacity {
            verdict.capacity = share
        }
        return verdict
    }

    /// The hold times for a component: the domain's, with the file's `for:` and
    /// `recover_after:` laid over.
    public func hysteresis(for id: ComponentID, domain: Hysteresis) -> Hysteresis {
        let rule = rule(for: id)
        return Hysteresis(
            recoverAfterSeconds: rule.recoverAfterSeconds ?? domain.recoverAfterSeconds,
            worsenAfterSeconds: rule.worsenAfterSeconds ?? domain.worsenAfterSeconds)
    }
}

extension ConfigParser {
    func policy(_ node: YAMLNode) throws(ConfigError) -> PolicyConfig {
        var policy = PolicyConfig()
        if node.isNull { return policy }
        for (key, value) in try mapping(node, path: "policy", allowed: ["capacity", "kinds", "components"]) {
            let path = "policy.\(key)"
            switch key {
            case "capacity":
                guard let text = value.scalar, let combination = CapacityCombination(rawValue: text) else {
                    throw error(value, path, "expected one of: \(CapacityCombination.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                policy.capacity = combination
            case "kinds":
                if value.isNull { continue }
                for (kindName, ruleNode) in try mapping(value, path: path, allowed: ComponentKind.allCases.map(\.rawValue)) {
                    guard let kind = ComponentKind(rawValue: kindName) else { continue }
                    policy.kinds[kind] = try componentRule(ruleNode, path: "\(path).\(kindName)")
                }
            case "components":
                if value.isNull { continue }
                guard case .mapping(let pairs) = value.value else {
                    throw error(value, path, "expected a mapping of component ids or globs (\"link:eth1\", \"md:*\") to rules")
                }
                for pair in pairs {
                    guard let pattern = pair.key.scalar, pattern.contains(":") else {
                        throw error(pair.key, path, "expected a component id or glob with its kind prefix, e.g. \"link:eth1\" or \"disk:*\"")
                    }
                    policy.components.append((LinkPattern(pattern), try componentRule(pair.value, path: "\(path).\(pattern)")))
                }
            default: break
            }
        }
        return policy
    }

    func componentRule(_ node: YAMLNode, path: String) throws(ConfigError) -> ComponentRule {
        var rule = ComponentRule()
        if node.isNull { return rule }
        let keys = ["ignore", "intent", "converging_capacity", "for", "recover_after"]
        for (key, value) in try mapping(node, path: path, allowed: keys) {
            let keyPath = "\(path).\(key)"
            switch key {
            case "ignore":
                guard let text = value.scalar, let flag = ["true": true, "false": false][text] else {
                    throw error(value, keyPath, "expected true or false")
                }
                rule.ignore = flag
            case "intent":
                guard let text = value.scalar, let intent = Intent(rawValue: text) else {
                    throw error(value, keyPath, "expected immutable or converging")
                }
                rule.intent = intent
            case "converging_capacity":
                guard let text = value.scalar, let share = Self.share(text) else {
                    throw error(value, keyPath, "expected a share of full traffic above 0 and at most 1, e.g. 0.5 or 50%")
                }
                rule.convergingCapacity = share
            case "for": rule.worsenAfterSeconds = try duration(value, path: keyPath, allowZero: true)
            case "recover_after": rule.recoverAfterSeconds = try duration(value, path: keyPath, allowZero: true)
            default: break
            }
        }
        return rule
    }

    /// `0.5` or `50%`: above 0 (a converging host still serves) and at most 1.
    static func share(_ text: String) -> Double? {
        let value = text.hasSuffix("%") ? Double(text.dropLast()).map { $0 / 100 } : Double(text)
        guard let value, value.isFinite, value > 0, value <= 1 else { return nil }
        return value
    }
}
