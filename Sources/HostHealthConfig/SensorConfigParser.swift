internal import YAML
internal import HostHealthModel

extension ConfigParser {
    /// `sensors:` { interval, for, recover_after, margin_celsius, margin_ratio, stale_after, ignore,
    /// apply_sets }.
    func sensors(_ node: YAMLNode) throws(ConfigError) -> SensorConfig {
        var sensors = SensorConfig()
        if node.isNull { return sensors }
        let keys = ["interval", "for", "recover_after", "margin_celsius", "margin_ratio", "stale_after", "ignore", "apply_sets"]
        var staleNode: YAMLNode?
        for (key, value) in try mapping(node, path: "sensors", allowed: keys) {
            let path = "sensors.\(key)"
            switch key {
            case "interval": sensors.intervalSeconds = try duration(value, path: path)
            case "for": sensors.forSeconds = try duration(value, path: path, allowZero: true)
            case "recover_after": sensors.recoverAfterSeconds = try duration(value, path: path, allowZero: true)
            case "margin_celsius": sensors.marginCelsius = try number(value, path: path, range: 0...100)
            case "margin_ratio": sensors.marginRatio = try number(value, path: path, range: 0...1)
            case "stale_after":
                sensors.staleAfterSeconds = try duration(value, path: path)
                staleNode = value
            case "ignore": sensors.ignore = try sensorPatterns(value, path: path)
            case "apply_sets": sensors.applySets = try boolean(value, path: path)
            default: break
            }
        }
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
