internal import HostHealthModel
internal import YAML

/// `cpu:` — how CPU packages are read and judged.
///
/// - Thermal throttling that keeps rising for longer than `throttling.for` (default 5m)
///   degrades the package: a throttle now and then under a burst of load is what the
///   mechanism is for; a package that throttles for minutes on end is short of cooling (a
///   failed fan, dust, a heatsink off its paste) and runs below its speed. There is no
///   kernel or vendor number for this; five minutes outlasts any load spike.
/// - More corrected machine checks than `mce_rate` (default 100 in 24h) degrade the package:
///   mcelog's per-socket corrected-memory-error threshold (`mem-ce-error-threshold = 100 /
///   24h` in mcelog.conf's `[socket]` section). An uncorrected machine check the host survived
///   fails it at once (mcelog's `uc-error-threshold = 1 / 24h`).
package struct CPUConfig: Sendable, Equatable {
    package var intervalSeconds: Double
    package var staleAfterSeconds: Double
    package var recoverAfterSeconds: Double
    package var throttleForSeconds: Double
    package var mceRateMaxErrors: Int
    package var mceRateWindowSeconds: Double

    package init(
        intervalSeconds: Double = 10, staleAfterSeconds: Double = 60, recoverAfterSeconds: Double = 60,
        throttleForSeconds: Double = 300, mceRateMaxErrors: Int = 100, mceRateWindowSeconds: Double = 86_400
    ) {
        self.intervalSeconds = intervalSeconds
        self.staleAfterSeconds = staleAfterSeconds
        self.recoverAfterSeconds = recoverAfterSeconds
        self.throttleForSeconds = throttleForSeconds
        self.mceRateMaxErrors = mceRateMaxErrors
        self.mceRateWindowSeconds = mceRateWindowSeconds
    }

    /// A pause in the rise shorter than this is still throttling: two polls and a second.
    package var throttleGapSeconds: Double { 2 * intervalSeconds + 1 }
}

extension ConfigParser {
    static var cpuKeys: ConfigSection<CPUConfig> {
        ConfigSection([
            .field("interval", \.intervalSeconds) { (parser, node, path) throws(ConfigError) in try parser.interval(node, path: path) },
            .field("stale_after", \.staleAfterSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path) },
            .field("recover_after", \.recoverAfterSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path, allowZero: true) },
            ConfigKey("throttling") { (parser, node, path, cpu) throws(ConfigError) in
                try throttlingKeys.apply(node, path: path, to: &cpu, with: parser)
            },
            ConfigKey("mce_rate") { (parser, node, path, cpu) throws(ConfigError) in
                let rate = try parser.rate(node, path: path)
                cpu.mceRateMaxErrors = rate.maxErrors
                cpu.mceRateWindowSeconds = rate.windowSeconds
            },
        ])
    }

    /// `cpu.throttling`: throttling rising for longer than `for` degrades the package.
    static var throttlingKeys: ConfigSection<CPUConfig> {
        ConfigSection([
            .field("for", \.throttleForSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path, allowZero: true) },
        ])
    }

    func cpu(_ node: YAMLNode) throws(ConfigError) -> CPUConfig {
        var cpu = CPUConfig()
        if node.isNull { return cpu }
        try Self.cpuKeys.apply(node, path: "cpu", to: &cpu, with: self)
        if cpu.staleAfterSeconds <= cpu.intervalSeconds {
            throw error(node, "cpu.stale_after", "must be longer than cpu.interval, or every package reads as stale")
        }
        return cpu
    }
}
