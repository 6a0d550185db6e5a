internal import YAML
internal import HostHealthModel

extension ConfigParser {
    static var arrayKeys: ConfigSection<ArrayConfig> {
        ConfigSection([
            .field("stall_after", \.stallAfterSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path) },
            .field("pending_after", \.pendingAfterSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path) },
            .field("converging_capacity", \.convergingCapacity) { (parser, node, path) throws(ConfigError) in try parser.ratio(node, path: path) },
            .field("errors_window", \.errorsWindowSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path, allowZero: true) },
            .field("recover_after", \.recoverAfterSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path, allowZero: true) },
            .field("resync_interval", \.resyncIntervalSeconds) { (parser, node, path) throws(ConfigError) in try parser.interval(node, path: path) },
            .field("stale_after", \.staleAfterSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path) },
        ])
    }

    /// `arrays:` — every key optional; see `ArrayConfig` for the defaults and why.
    func arrays(_ node: YAMLNode) throws(ConfigError) -> ArrayConfig {
        var arrays = ArrayConfig()
        if node.isNull { return arrays }
        let given = try Self.arrayKeys.apply(node, path: "arrays", to: &arrays, with: self)
        arrays.staleAfterSeconds = try staleAfter(
            arrays.staleAfterSeconds, given: given["stale_after"], resyncInterval: arrays.resyncIntervalSeconds, section: node,
            path: "arrays", quiet: "idle array")
        return arrays
    }

    /// A section's `stale_after`: at least three resync intervals unless given, and always
    /// longer than one, or every quiet component would read as stale.
    func staleAfter(
        _ seconds: Double, given: YAMLNode?, resyncInterval: Double, section: YAMLNode, path: String, quiet: String
    ) throws(ConfigError) -> Double {
        let seconds = given == nil ? max(seconds, 3 * resyncInterval) : seconds
        if seconds <= resyncInterval {
            throw error(given ?? section, "\(path).stale_after", "must be longer than \(path).resync_interval (\(TextFormat.duration(resyncInterval))), or every \(quiet) reads as stale")
        }
        return seconds
    }

    /// A share of traffic: `0.5` or `50%`.
    func ratio(_ node: YAMLNode, path: String) throws(ConfigError) -> Double {
        guard var text = node.scalar else { throw error(node, path, "expected a share such as 0.5 or 50%") }
        var scale = 1.0
        if text.hasSuffix("%") {
            text.removeLast()
            scale = 100
        }
        guard let number = Double(text), number.isFinite, number >= 0, number / scale <= 1 else {
            throw error(node, path, "expected a share from 0 to 1 (or 0% to 100%)")
        }
        return number / scale
    }
}
