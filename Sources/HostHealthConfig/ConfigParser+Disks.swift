internal import YAML
internal import HostHealthModel

/// The `disks:`, `smart:` and `kmsg:` sections.
extension ConfigParser {
    static var diskKeys: ConfigSection<DiskConfig> {
        ConfigSection([
            .field("refresh_interval", \.refreshIntervalSeconds) { (parser, node, path) throws(ConfigError) in try parser.interval(node, path: path) },
            .field("recover_after", \.recoverAfterSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path, allowZero: true) },
            .field("stale_after", \.staleAfterSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path) },
        ])
    }

    func disks(_ node: YAMLNode) throws(ConfigError) -> DiskConfig {
        var disks = DiskConfig()
        if node.isNull { return disks }
        try Self.diskKeys.apply(node, path: "disks", to: &disks, with: self)
        if disks.staleAfterSeconds <= disks.refreshIntervalSeconds {
            throw error(node, "disks.stale_after", "must be longer than disks.refresh_interval, or every disk reads as stale")
        }
        return disks
    }

    static var smartKeys: ConfigSection<SmartConfig> {
        ConfigSection([
            .field("smartctl", \.smartctl) { (parser, node, path) throws(ConfigError) in
                guard let text = node.scalar, text.hasPrefix("/") else {
                    throw parser.error(node, path, "expected an absolute path to smartctl, e.g. /usr/sbin/smartctl")
                }
                return text
            },
            // smartd's own floor for its check interval: each run may wake a disk.
            .field("interval", \.intervalSeconds) { (parser, node, path) throws(ConfigError) in try parser.interval(node, path: path, minimum: 10) },
            .field("timeout", \.timeoutSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path) },
            .field("concurrency", \.concurrency) { (parser, node, path) throws(ConfigError) in try parser.integer(node, path: path, range: 1...16) },
        ])
    }

    func smart(_ node: YAMLNode) throws(ConfigError) -> SmartConfig {
        var smart = SmartConfig()
        if node.isNull { return smart }
        try Self.smartKeys.apply(node, path: "smart", to: &smart, with: self)
        return smart
    }

    static var kernelLogKeys: ConfigSection<KernelLogConfig> {
        ConfigSection([
            ConfigKey("burst") { (parser, node, path, kmsg) throws(ConfigError) in
                try burstKeys.apply(node, path: path, to: &kmsg, with: parser)
            },
        ])
    }

    /// `kmsg.burst`: more than `max_errors` disk errors within `window`.
    static var burstKeys: ConfigSection<KernelLogConfig> {
        ConfigSection([
            .field("max_errors", \.burstMaxErrors) { (parser, node, path) throws(ConfigError) in try parser.integer(node, path: path, range: 0...1_000_000) },
            .field("window", \.burstWindowSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path) },
        ])
    }

    func kmsg(_ node: YAMLNode) throws(ConfigError) -> KernelLogConfig {
        var kmsg = KernelLogConfig()
        if node.isNull { return kmsg }
        try Self.kernelLogKeys.apply(node, path: "kmsg", to: &kmsg, with: self)
        return kmsg
    }
}
