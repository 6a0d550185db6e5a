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
        for (key, value) in try mapping(
            root, path: nil, allowed: ["links", "health", "arrays", "disks", "smart", "kmsg", "sensors", "hooks", "policy"]
        ) {
            switch key {
            case "links": config.links = try links(value)
            case "health": config.health = try health(value)
            case "arrays": config.arrays = try arrays(value)
            case "disks": config.disks = try disks(value)
            case "smart": config.smart = try smart(value)
            case "kmsg": config.kmsg = try kmsg(value)
            case "sensors": config.sensors = try sensors(value)
            case "hooks": config.hooks = try hooks(value)
            case "policy": config.policy = try policy(value)
            default: break
            }
        }
        return config
    }

    // MARK: - Sections

    func links(_ node: YAMLNode) throws(ConfigError) -> LinkConfig {
        var links = LinkConfig()
        if node.isNull { return links }
        let keys = ["required", "flapping", "recover_after", "resync_interval", "stale_after"]
        var staleNode: YAMLNode?
        for (key, value) in try mapping(node, path: "links", allowed: keys) {
            let path = "links.\(key)"
            switch key {
            case "required": links.required = try requiredLinks(value, path: path)
            case "flapping":
                for (flapKey, flapValue) in try mapping(value, path: path, allowed: ["max_changes", "window"]) {
                    if flapKey == "max_changes" {
                        links.flapMaxChanges = try integer(flapValue, path: "\(path).\(flapKey)", range: 1...1_000_000)
                    } else {
                        links.flapWindowSeconds = try duration(flapValue, path: "\(path).\(flapKey)")
                    }
                }
            case "recover_after": links.recoverAfterSeconds = try duration(value, path: path, allowZero: true)
            case "resync_interval": links.resyncIntervalSeconds = try duration(value, path: path)
            case "stale_after":
                links.staleAfterSeconds = try duration(value, path: path)
                staleNode = value
            default: break
            }
        }
        links.staleAfterSeconds = try staleAfter(
            links.staleAfterSeconds, given: staleNode, resyncInterval: links.resyncIntervalSeconds, section: node,
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
                var name: String?
                var speed: UInt32?
                for (key, value) in try mapping(item, path: itemPath, allowed: ["name", "min_speed"]) {
                    if key == "name" {
                        name = try linkName(value, path: "\(itemPath).name")
                    } else {
                        speed = try speedMbps(value, path: "\(itemPath).min_speed")
                    }
                }
                guard let name else { throw error(item, itemPath, "an entry with min_speed needs a name") }
                result.append(RequiredLink(pattern: LinkPattern(name), minSpeedMbps: speed))
            } else {
                result.append(RequiredLink(pattern: LinkPattern(try linkName(item, path: itemPath))))
            }
        }
        return result
    }

    func health(_ node: YAMLNode) throws(ConfigError) -> HealthOutputConfig {
        var health = HealthOutputConfig()
        if node.isNull { return health }
        for (_, value) in try mapping(node, path: "health", allowed: ["status_codes"]) {
            let names = HealthState.allCases.map(\.rawValue) + ["maintenance"]
            for (stateName, codeNode) in try mapping(value, path: "health.status_codes", allowed: names) {
                let code = try integer(codeNode, path: "health.status_codes.\(stateName)", range: 200...599)
                if let state = HealthState(rawValue: stateName) {
                    health.statusCodes[state] = code
                } else {
                    health.maintenanceStatusCode = code
                }
            }
        }
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
