internal import YAML

/// One key of a configuration section: its name and how its value is parsed into the
/// section's settings.
struct ConfigKey<Settings> {
    typealias Apply = (_ parser: ConfigParser, _ node: YAMLNode, _ path: String, _ settings: inout Settings) throws(ConfigError) -> Void

    let name: String
    let apply: Apply

    init(_ name: String, apply: @escaping Apply) {
        self.name = name
        self.apply = apply
    }

    /// A key whose value `parse` reads (given the node and its dotted path) into `field`.
    static func field<Value>(
        _ name: String, _ field: WritableKeyPath<Settings, Value>,
        _ parse: @escaping (_ parser: ConfigParser, _ node: YAMLNode, _ path: String) throws(ConfigError) -> Value
    ) -> ConfigKey {
        ConfigKey(name) { (parser, node, path, settings) throws(ConfigError) in
            settings[keyPath: field] = try parse(parser, node, path)
        }
    }

    /// A key whose value `parse` reads into an optional `field`, which stays nil when absent
    /// or empty (`member:`, as the shipped file shows a setting with no default).
    static func field<Value>(
        _ name: String, _ field: WritableKeyPath<Settings, Value?>,
        _ parse: @escaping (_ parser: ConfigParser, _ node: YAMLNode, _ path: String) throws(ConfigError) -> Value
    ) -> ConfigKey {
        ConfigKey(name) { (parser, node, path, settings) throws(ConfigError) in
            settings[keyPath: field] = node.isNull ? nil : try parse(parser, node, path)
        }
    }
}

/// A section's keys as one table: the keys it accepts are exactly the keys it applies, so no
/// key can be accepted and then silently ignored, and the refusal of an unknown key lists
/// them all.
struct ConfigSection<Settings> {
    let keys: [ConfigKey<Settings>]

    init(_ keys: [ConfigKey<Settings>]) {
        self.keys = keys
    }

    var names: [String] { keys.map(\.name) }

    /// Applies each key of `node` (a mapping) to `settings` in file order. Returns the nodes by
    /// key, for checks that span keys (a `stale_after` against its `resync_interval`).
    @discardableResult
    func apply(_ node: YAMLNode, path: String?, to settings: inout Settings, with parser: ConfigParser) throws(ConfigError) -> [String: YAMLNode] {
        var given: [String: YAMLNode] = [:]
        for (name, value) in try parser.mapping(node, path: path, allowed: names) {
            // `mapping` refused every name that is not in `keys`.
            guard let key = keys.first(where: { $0.name == name }) else { continue }
            try key.apply(parser, value, path.map { "\($0).\(name)" } ?? name, &settings)
            given[name] = value
        }
        return given
    }
}
