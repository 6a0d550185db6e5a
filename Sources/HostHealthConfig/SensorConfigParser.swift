internal import YAML
internal import HostHealthModel

extension ConfigParser {
    static var sensorKeys: ConfigSection<SensorConfig> {
        ConfigSection([
            .field("interval", \.intervalSeconds) { (parser, node, path) throws(ConfigError) in try parser.interval(node, path: path) },
            .field("for", \.forSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path, allowZero: true) },
            .field("recover_after", \.recoverAfterSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path, allowZero: true) },
            .field("margin_celsius", \.marginCelsius) { (parser, node, path) throws(ConfigError) in try parser.number(node, path: path, range: 0...100) },
            .field("margin_ratio", \.marginRatio) { (parser, node, path) throws(ConfigError) in try parser.number(node, path: path, range: 0...1) },
            .field("stale_after", \.staleAfterSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path) },
            .field("ignore", \.ignore) { (parser, node, path) throws(ConfigError) in try parser.sensorPatterns(node, path: path) },
            .field("apply_sets", \.applySets) { (parser, node, path) throws(ConfigError) in try parser.boolean(node, path: path) },
        ])
    }

    /// `sensors:` — every key optional; see `SensorConfig` for the defaults.
    func sensors(_ node: YAMLNode) throws(ConfigError) -> SensorConfig {
        var sensors = SensorConfig()
        if node.isNull { return sensors }
        let staleNode = try Self.sensorKeys.apply(node, path: "sensors", to: &sensors, with: self)["stale_after"]
        if staleNode == nil {
            sensors.staleAfterSeconds = max(sensors.staleAfterSeconds, 3 * sensors.intervalSeconds)
        }
        if sensors.staleAfterSeconds <= sensors.intervalSeconds {
            throw error(staleNode ?? node, "sensors.stale_after", "must be longer than sensors.interval (\(TextFormat.duration(sensors.intervalSeconds))), or every reading is stale before the next")
        }
        return sensors
    }

    func sensorPatterns(_ node: YAMLNode, path: String) throws(ConfigError) -> [LinkPattern] {
        if node.isNull { return [] }
        guard case .sequence(let items) = node.value else {
            throw error(node, path, "expected a list of <chip>/<feature> globs, e.g. [\"nct6779-*/intrusion*\"]")
        }
        var patterns: [LinkPattern] = []
        for (index, item) in items.enumerated() {
            guard let text = item.scalar, !item.isNull, text.contains("/"), !text.contains(where: \.isWhitespace) else {
                throw error(item, "\(path)[\(index)]", "expected a <chip>/<feature> glob such as \"coretemp-*/temp1\" or \"*/intrusion*\"")
            }
            patterns.append(LinkPattern(text))
        }
        return patterns
    }

    func boolean(_ node: YAMLNode, path: String) throws(ConfigError) -> Bool {
        switch node.scalar {
        case "true", "yes", "on": true
        case "false", "no", "off": false
        default: throw error(node, path, "expected true or false")
        }
    }

    func number(_ node: YAMLNode, path: String, range: ClosedRange<Double>) throws(ConfigError) -> Double {
        guard let text = node.scalar, let value = Double(text), value.isFinite else {
            throw error(node, path, "expected a number")
        }
        guard range.contains(value) else {
            throw error(node, path, "\(text) is out of range \(TextFormat.decimal(range.lowerBound))...\(TextFormat.decimal(range.upperBound))")
        }
        return value
    }
}
