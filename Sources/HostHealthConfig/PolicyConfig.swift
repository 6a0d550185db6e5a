internal import YAML
package import HostHealthModel

/// How the capacities of the components combine into the host's. Only converging components
/// bring a share between 0 and 1 (ok is 1; degraded, failed and unknown are 0), so the choice
/// matters when several heal at once.
package enum CapacityCombination: String, Sendable, CaseIterable {
    /// The host serves at the pace of its slowest part: two arrays rebuilding at 50% leave 50%.
    /// The default: parts usually share no bottleneck, and the product would fall quickly on a
    /// host with many healing parts.
    case minimum
    /// Shares compound: two arrays rebuilding at 50% on the same I/O path leave 25%.
    case product

    package func combine(_ host: Double, _ component: Double) -> Double {
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
package struct PolicyConfig: Sendable, Equatable {
    package var capacity: CapacityCombination
    package var kinds: [ComponentKind: ComponentRule]
    /// In file order: the first pattern that matches a component's id applies.
    package var components: [(pattern: LinkPattern, rule: ComponentRule)]

    package init(
        capacity: CapacityCombination = .minimum, kinds: [ComponentKind: ComponentRule] = [:],
        components: [(pattern: LinkPattern, rule: ComponentRule)] = []
    ) {
        self.capacity = capacity
        self.kinds = kinds
        self.components = components
    }

    package static func == (lhs: PolicyConfig, rhs: PolicyConfig) -> Bool {
        lhs.capacity == rhs.capacity && lhs.kinds == rhs.kinds
            && lhs.components.elementsEqual(rhs.components) { $0.pattern == $1.pattern && $0.rule == $1.rule }
    }

    /// The rule for a component from the file alone: its kind's, with its own laid over.
    package func rule(for id: ComponentID) -> ComponentRule {
        let own = ownRule(for: id)
        return (kinds[id.kind] ?? ComponentRule()).overlaid(by: own)
    }

    /// The first `components:` entry matching the id; skips building the id's text when there
    /// are none (a host with a thousand links judges on every link event).
    package func ownRule(for id: ComponentID) -> ComponentRule? {
        components.isEmpty ? nil : components.first { $0.pattern.matches(id.description) }?.rule
    }

    /// No rule at all: the policy changes nothing.
    package var isEmpty: Bool { kinds.isEmpty && components.isEmpty }
}

extension ConfigParser {
    static var policyKeys: ConfigSection<PolicyConfig> {
        ConfigSection([
            .field("capacity", \.capacity) { (parser, node, path) throws(ConfigError) in
                guard let text = node.scalar, let combination = CapacityCombination(rawValue: text) else {
                    throw parser.error(node, path, "expected one of: \(CapacityCombination.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return combination
            },
            ConfigKey("kinds") { (parser, node, path, policy) throws(ConfigError) in
                if node.isNull { return }
                // One key per component kind, from the kinds themselves.
                for (kindName, ruleNode) in try parser.mapping(node, path: path, allowed: ComponentKind.allCases.map(\.rawValue)) {
                    guard let kind = ComponentKind(rawValue: kindName) else { continue }
                    policy.kinds[kind] = try parser.componentRule(ruleNode, path: "\(path).\(kindName)")
                }
            },
            ConfigKey("components") { (parser, node, path, policy) throws(ConfigError) in
                if node.isNull { return }
                guard case .mapping(let pairs) = node.value else {
                    throw parser.error(node, path, "expected a mapping of component ids or globs (\"link:eth1\", \"md:*\") to rules")
                }
                for pair in pairs {
                    guard let pattern = pair.key.scalar, pattern.contains(":") else {
                        throw parser.error(pair.key, path, "expected a component id or glob with its kind prefix, e.g. \"link:eth1\" or \"disk:*\"")
                    }
                    policy.components.append((LinkPattern(pattern), try parser.componentRule(pair.value, path: "\(path).\(pattern)")))
                }
            },
        ])
    }

    func policy(_ node: YAMLNode) throws(ConfigError) -> PolicyConfig {
        var policy = PolicyConfig()
        if node.isNull { return policy }
        try Self.policyKeys.apply(node, path: "policy", to: &policy, with: self)
        return policy
    }

    static var componentRuleKeys: ConfigSection<ComponentRule> {
        ConfigSection([
            .field("ignore", \.ignore) { (parser, node, path) throws(ConfigError) -> Bool in
                guard let text = node.scalar, let flag = ["true": true, "false": false][text] else {
                    throw parser.error(node, path, "expected true or false")
                }
                return flag
            },
            .field("intent", \.intent) { (parser, node, path) throws(ConfigError) -> Intent in
                guard let text = node.scalar, let intent = Intent(rawValue: text) else {
                    throw parser.error(node, path, "expected immutable or converging")
                }
                return intent
            },
            .field("converging_capacity", \.convergingCapacity) { (parser, node, path) throws(ConfigError) -> Double in
                guard let text = node.scalar, let share = Self.share(text) else {
                    throw parser.error(node, path, "expected a share of full traffic above 0 and at most 1, e.g. 0.5 or 50%")
                }
                return share
            },
            .field("for", \.worsenAfterSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path, allowZero: true) },
            .field("recover_after", \.recoverAfterSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path, allowZero: true) },
        ])
    }

    func componentRule(_ node: YAMLNode, path: String) throws(ConfigError) -> ComponentRule {
        var rule = ComponentRule()
        if node.isNull { return rule }
        try Self.componentRuleKeys.apply(node, path: path, to: &rule, with: self)
        return rule
    }

    /// `0.5` or `50%`: above 0 (a converging host still serves) and at most 1.
    static func share(_ text: String) -> Double? {
        let value = text.hasSuffix("%") ? Double(text.dropLast()).map { $0 / 100 } : Double(text)
        guard let value, value.isFinite, value > 0, value <= 1 else { return nil }
        return value
    }
}
