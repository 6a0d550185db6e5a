internal import YAML
internal import HostHealthModel

/// Reads `hosthealth.yaml` text into an `AgentConfig`. Unknown keys are refused (a typo must
/// not silently leave a link unwatched); every error names file, line and key.
package struct ConfigParser: Sendable {
    /// Shown in errors; the parser itself reads no files.
    package var file: String

    package init(file: String) {
        self.file = file
    }

    package func parse(_ text: String) throws(ConfigError) -> AgentConfig {
        let root: YAMLNode?
        do {
            root = try YAMLParser.parse(text)
        } catch {
            throw ConfigError(file: file, line: error.line, column: error.column, reason: error.message)
        }
        var config = AgentConfig()
        guard let root, !root.isNull else { return config }
        try Self.sections.apply(root, path: nil, to: &config, with: self)
        return config
    }

    /// The file's top level: one key per section.
    static var sections: ConfigSection<AgentConfig> {
        ConfigSection([
            .field("links", \.links) { (parser, node, _) throws(ConfigError) in try parser.links(node) },
            .field("health", \.health) { (parser, node, _) throws(ConfigError) in try parser.health(node) },
            ConfigKey("agent_check") { (parser, node, path, config) throws(ConfigError) in
                if !node.isNull { try agentCheckKeys.apply(node, path: path, to: &config.agentCheck, with: parser) }
            },
            .field("arrays", \.arrays) { (parser, node, _) throws(ConfigError) in try parser.arrays(node) },
            .field("disks", \.disks) { (parser, node, _) throws(ConfigError) in try parser.disks(node) },
            .field("smart", \.smart) { (parser, node, _) throws(ConfigError) in try parser.smart(node) },
            .field("kmsg", \.kmsg) { (parser, node, _) throws(ConfigError) in try parser.kmsg(node) },
            .field("pcie", \.pcie) { (parser, node, _) throws(ConfigError) in try parser.pcie(node) },
            .field("sensors", \.sensors) { (parser, node, _) throws(ConfigError) in try parser.sensors(node) },
            .field("memory", \.memory) { (parser, node, _) throws(ConfigError) in try parser.memory(node) },
            .field("cpu", \.cpu) { (parser, node, _) throws(ConfigError) in try parser.cpu(node) },
            .field("hooks", \.hooks) { (parser, node, _) throws(ConfigError) in try parser.hooks(node) },
            .field("policy", \.policy) { (parser, node, _) throws(ConfigError) in try parser.policy(node) },
            .field("fleet", \.fleet) { (parser, node, _) throws(ConfigError) in try parser.fleet(node) },
        ])
    }

    // MARK: - Sections

    static var linkKeys: ConfigSection<LinkConfig> {
        ConfigSection([
            .field("required", \.required) { (parser, node, path) throws(ConfigError) in try parser.requiredLinks(node, path: path) },
            ConfigKey("flapping") { (parser, node, path, links) throws(ConfigError) in
                try flappingKeys.apply(node, path: path, to: &links, with: parser)
            },
            .field("recover_after", \.recoverAfterSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path, allowZero: true) },
            .field("resync_interval", \.resyncIntervalSeconds) { (parser, node, path) throws(ConfigError) in try parser.interval(node, path: path) },
            .field("stale_after", \.staleAfterSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path) },
        ])
    }

    /// `links.flapping`: more than `max_changes` carrier changes within `window`.
    static var flappingKeys: ConfigSection<LinkConfig> {
        ConfigSection([
            .field("max_changes", \.flapMaxChanges) { (parser, node, path) throws(ConfigError) in try parser.integer(node, path: path, range: 1...1_000_000) },
            .field("window", \.flapWindowSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path) },
        ])
    }

    func links(_ node: YAMLNode) throws(ConfigError) -> LinkConfig {
        var links = LinkConfig()
        if node.isNull { return links }
        let given = try Self.linkKeys.apply(node, path: "links", to: &links, with: self)
        links.staleAfterSeconds = try staleAfter(
            links.staleAfterSeconds, given: given["stale_after"], resyncInterval: links.resyncIntervalSeconds, section: node,
            path: "links", quiet: "quiet link")
        return links
    }

    func requiredLinks(_ node: YAMLNode, path: String) throws(ConfigError) -> [RequiredLink] {
        if node.isNull { return [] }
        guard case .sequence(let items) = node.value else {
            throw error(node, path, "expected a list of link names or globs, e.g. [eth0, \"bond*\"]")
        }
        var result: [RequiredLink] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            if case .mapping = item.value {
                var entry = RequiredLinkEntry()
                try Self.requiredLinkKeys.apply(item, path: itemPath, to: &entry, with: self)
                guard let name = entry.name else { throw error(item, itemPath, "an entry with min_speed needs a name") }
                result.append(RequiredLink(pattern: LinkPattern(name), minSpeedMbps: entry.minSpeedMbps))
            } else {
                result.append(RequiredLink(pattern: LinkPattern(try linkName(item, path: itemPath))))
            }
        }
        return result
    }

    /// An entry of `links.required` written as a mapping.
    struct RequiredLinkEntry {
        var name: String?
        var minSpeedMbps: UInt32?
    }

    static var requiredLinkKeys: ConfigSection<RequiredLinkEntry> {
        ConfigSection([
            .field("name", \.name) { (parser, node, path) throws(ConfigError) in try parser.linkName(node, path: path) },
            .field("min_speed", \.minSpeedMbps) { (parser, node, path) throws(ConfigError) in try parser.speedMbps(node, path: path) },
        ])
    }

    static var healthKeys: ConfigSection<HealthOutputConfig> {
        ConfigSection([
            ConfigKey("status_codes") { (parser, node, path, health) throws(ConfigError) in
                // One key per state, from the states themselves.
                let names = HealthState.allCases.map(\.rawValue) + ["maintenance"]
                for (stateName, codeNode) in try parser.mapping(node, path: path, allowed: names) {
                    let code = try parser.integer(codeNode, path: "\(path).\(stateName)", range: 200...599)
                    if let state = HealthState(rawValue: stateName) {
                        health.statusCodes[state] = code
                    } else {
                        health.maintenanceStatusCode = code
                    }
                }
            },
            .field("envoy_degraded", \.envoyDegraded) { (parser, node, path) throws(ConfigError) in try parser.boolean(node, path: path) },
            .field("unknown", \.holdUnknown) { (parser, node, path) throws(ConfigError) in
                try parser.holdOr("fail", node, path: path)
            },
        ])
    }

    /// `agent_check:` — `degraded: drain | NN%`, `unknown: down | hold`.
    static var agentCheckKeys: ConfigSection<AgentCheckConfig> {
        ConfigSection([
            ConfigKey("degraded") { (parser, node, path, settings) throws(ConfigError) in
                if node.scalar == "drain" {
                    settings.degradedWeight = nil
                    return
                }
                guard node.scalar?.hasSuffix("%") == true else {
                    throw parser.error(node, path, "expected drain or a weight such as 25%")
                }
                settings.degradedWeight = Double(try parser.percent(node, path: path, range: 1...100)) / 100
            },
            .field("unknown", \.holdUnknown) { (parser, node, path) throws(ConfigError) in
                try parser.holdOr("down", node, path: path)
            },
        ])
    }

    /// `hold` (true) or the output's own answer for `unknown` (false).
    func holdOr(_ own: String, _ node: YAMLNode, path: String) throws(ConfigError) -> Bool {
        switch node.scalar {
        case own: return false
        case "hold": return true
        default: throw error(node, path, "expected \(own) or hold")
        }
    }

    func health(_ node: YAMLNode) throws(ConfigError) -> HealthOutputConfig {
        var health = HealthOutputConfig()
        if node.isNull { return health }
        try Self.healthKeys.apply(node, path: "health", to: &health, with: self)
        return health
    }

    // MARK: - Values

    func mapping(_ node: YAMLNode, path: String?, allowed: [String]) throws(ConfigError) -> [(String, YAMLNode)] {
        guard case .mapping(let pairs) = node.value else {
            throw error(node, path, "expected a mapping of keys (\(allowed.joined(separator: ", ")))")
        }
        var result: [(String, YAMLNode)] = []
        for pair in pairs {
            guard let key = pair.key.scalar else { throw error(pair.key, path, "keys must be plain words") }
            let keyPath = path.map { "\($0).\(key)" } ?? key
            guard allowed.contains(key) else {
                throw error(pair.key, keyPath, "unknown key; expected one of: \(allowed.joined(separator: ", "))")
            }
            result.append((key, pair.value))
        }
        return result
    }

    func linkName(_ node: YAMLNode, path: String) throws(ConfigError) -> String {
        guard let text = node.scalar, !node.isNull else {
            throw error(node, path, "expected a link name or glob")
        }
        guard !text.isEmpty, text.utf8.count <= 15, !text.contains("/"), !text.contains(where: \.isWhitespace) else {
            throw error(node, path, "'\(text)' is not a valid link name or glob (1-15 characters, no '/' or spaces)")
        }
        return text
    }

    func integer(_ node: YAMLNode, path: String, range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard let text = node.scalar, let value = Int(text) else {
            throw error(node, path, "expected a whole number")
        }
        guard range.contains(value) else {
            throw error(node, path, "\(value) is out of range \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// `10s`, `5m`, `1h`, `250ms`, or a bare number of seconds.
    func duration(_ node: YAMLNode, path: String, allowZero: Bool = false) throws(ConfigError) -> Double {
        guard let text = node.scalar, let seconds = Self.seconds(text) else {
            throw error(node, path, "expected a duration such as 30s, 5m or 1h")
        }
        guard seconds > 0 || (allowZero && seconds == 0) else {
            throw error(node, path, "must be \(allowZero ? "zero or more" : "more than zero")")
        }
        return seconds
    }

    /// The shortest period a reader may poll at: 1 ms passed as "more than zero" and cost a
    /// quarter of a core. Events (netlink, udev, kmsg) come at once whatever the period.
    package static let minimumPollSeconds: Double = 1

    /// A polling period: a duration of at least `minimum`.
    func interval(_ node: YAMLNode, path: String, minimum: Double = minimumPollSeconds) throws(ConfigError) -> Double {
        let seconds = try duration(node, path: path)
        guard seconds >= minimum else {
            throw error(node, path, "must be at least \(TextFormat.duration(minimum)): shorter polls cost CPU and tell nothing the kernel's events do not")
        }
        return seconds
    }

    /// The longest duration any setting takes: ten years. Longer is a typo, and a value near
    /// infinity would overflow wherever it is turned into whole seconds.
    package static let maxSeconds: Double = 10 * 365 * 86_400

    /// Seconds in `10s`, `5m`, `1h`, `2d`, `250ms` or a bare number, up to `maxSeconds`.
    package static func seconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        var value = Double(text)
        for (suffix, factor) in units where value == nil && text.hasSuffix(suffix) {
            value = Double(text.dropLast(suffix.count)).map { $0 * factor }
        }
        guard let value, value.isFinite, value >= 0, value <= maxSeconds else { return nil }
        return value
    }

    /// Mb/s as a number, or with a unit: `100M`, `10G`, `25Gb/s`.
    func speedMbps(_ node: YAMLNode, path: String) throws(ConfigError) -> UInt32 {
        guard var text = node.scalar else { throw error(node, path, "expected a speed such as 10G or 1000 (Mb/s)") }
        if text.hasSuffix("b/s") || text.hasSuffix("bps") { text.removeLast(3) }
        var factor: Double = 1
        if text.hasSuffix("G") || text.hasSuffix("g") {
            factor = 1000
            text.removeLast()
        } else if text.hasSuffix("M") || text.hasSuffix("m") {
            text.removeLast()
        }
        guard let number = Double(text), number > 0, number * factor < Double(UInt32.max) else {
            throw error(node, path, "expected a speed such as 10G or 1000 (Mb/s)")
        }
        return UInt32((number * factor).rounded())
    }

    func error(_ node: YAMLNode, _ path: String?, _ reason: String) -> ConfigError {
        ConfigError(file: file, line: node.line, column: node.column, key: path, reason: reason)
    }
}
