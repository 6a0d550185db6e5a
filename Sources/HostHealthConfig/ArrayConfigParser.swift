internal import YAML
internal import HostHealthModel

extension ConfigParser {
    /// `arrays:` — every key optional; see `ArrayConfig` for the defaults and why.
    func arrays(_ node: YAMLNode) throws(ConfigError) -> ArrayConfig {
        var arrays = ArrayConfig()
        if node.isNull { return arrays }
        let keys = [
            "stall_after", "pending_after", "converging_capacity", "errors_window", "recover_after",
            "resync_interval", "stale_after",
        ]
        var staleNode: YAMLNode?
        for (key, value) in try mapping(node, path: "arrays", allowed: keys) {
            let path = "arrays.\(key)"
            switch key {
            case "stall_after": arrays.stallAfterSeconds = try duration(value, path: path)
            case "pending_after": arrays.pendingAfterSeconds = try duration(value, path: path)
            case "converging_capacity": arrays.convergingCapacity = try ratio(value, path: path)
            case "errors_window": arrays.errorsWindowSeconds = try duration(value, path: path, allowZero: true)
            case "recover_after": arrays.recoverAfterSeconds = try duration(value, path: path, allowZero: true)
            case "resync_interval": arrays.resyncIntervalSeconds = try duration(value, path: path)
            case "stale_after":
                arrays.staleAfterSeconds = try duration(value, path: path)
                staleNode = value
            default: break
            }
        }
        arrays.staleAfterSeconds = try staleAfter(
            arrays.staleAfterSeconds, given: staleNode, resyncInterval: arrays.resyncIntervalSeconds, section: node,
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
