internal import YAML
internal import HostHealthModel

/// The `disks:`, `smart:` and `kmsg:` sections.
extension ConfigParser {
    func disks(_ node: YAMLNode) throws(ConfigError) -> DiskConfig {
        var disks = DiskConfig()
        if node.isNull { return disks }
        for (key, value) in try mapping(node, path: "disks", allowed: ["refresh_interval", "recover_after", "stale_after"]) {
            let path = "disks.\(key)"
            switch key {
            case "refresh_interval": disks.refreshIntervalSeconds = try duration(value, path: path)
            case "recover_after": disks.recoverAfterSeconds = try duration(value, path: path, allowZero: true)
            default: disks.staleAfterSeconds = try duration(value, path: path)
            }
        }
        if disks.staleAfterSeconds <= disks.refreshIntervalSeconds {
            throw error(node, "disks.stale_after", "must be longer than disks.refresh_interval, or every disk reads as stale")
        }
        return disks
    }

    func smart(_ node: YAMLNode) throws(ConfigError) -> SmartConfig {
        var smart = SmartConfig()
        if node.isNull { return smart }
        for (key, value) in try mapping(node, path: "smart", allowed: ["smartctl", "interval", "timeout", "concurrency"]) {
            let path = "smart.\(key)"
            switch key {
            case "smartctl":
                guard let text = value.scalar, text.hasPrefix("/") else {
                    throw error(value, path, "expected an absolute path to smartctl, e.g. /usr/sbin/smartctl")
                }
                smart.smartctl = text
            case "interval": smart.intervalSeconds = try duration(value, path: path)
            case "timeout": smart.timeoutSeconds = try duration(value, path: path)
            default: smart.concurrency = try integer(value, path: path, range: 1...16)
            }
        }
        return smart
    }

    func kmsg(_ node: YAMLNode) throws(ConfigError) -> KernelLogConfig {
        var kmsg = KernelLogConfig()
        if node.isNull { return kmsg }
        for (_, burst) in try mapping(node, path: "kmsg", allowed: ["burst"]) {
            for (key, value) in try mapping(burst, path: "kmsg.burst", allowed: ["max_errors", "window"]) {
                if key == "max_errors" {
                    kmsg.burstMaxErrors = try integer(value, path: "kmsg.burst.max_errors", range: 0...1_000_000)
                } else {
                    kmsg.burstWindowSeconds = try duration(value, path: "kmsg.burst.window")
                }
            }
        }
        return kmsg
    }
}
