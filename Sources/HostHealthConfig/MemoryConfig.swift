internal import HostHealthModel
internal import YAML

/// `memory:` — how EDAC memory errors are read and judged.
///
/// The default rate, more than 24 corrected errors on one DIMM in 24 hours, is the DIMM
/// replacement rule of Sun/Oracle's x86 server diagnostics guides ("replace a DIMM when more
/// than 24 correctable errors originate in 24 hours from a single DIMM"). It sits between
/// mcelog's per-DIMM trigger (`ce-error-threshold = 10 / 24h` in mcelog.conf's `[dimm]`
/// section: a notification, not a replacement) and rasdaemon's page-offlining threshold
/// (`PAGE_CE_THRESHOLD=50` per `PAGE_CE_REFRESH_CYCLE=24h`, per 4 KiB page, not per DIMM).
/// Server vendors' firmware judges its own proprietary rates (Dell's "Correctable memory error
/// rate exceeded", HPE's "Correctable Memory Error Threshold Exceeded"); Google's "DRAM Errors
/// in the Wild" (SIGMETRICS 2009) found correctable errors on a DIMM the strongest predictor of
/// uncorrectable ones on it. An uncorrectable error is always `failed`, whatever the rate.
package struct MemoryConfig: Sendable, Equatable {
    /// The EDAC tree is read this often (errors in the kernel log come at once).
    package var intervalSeconds: Double
    /// Memory verdicts become stale when the reader has had no good read for this long.
    package var staleAfterSeconds: Double
    /// A better state is taken only after it has held this long.
    package var recoverAfterSeconds: Double
    /// More than `ceRateMaxErrors` corrected errors on one DIMM within `ceRateWindowSeconds`
    /// make it degraded; the same rate for what a controller could not attribute.
    package var ceRateMaxErrors: Int
    package var ceRateWindowSeconds: Double

    package init(
        intervalSeconds: Double = 10, staleAfterSeconds: Double = 60, recoverAfterSeconds: Double = 60,
        ceRateMaxErrors: Int = 24, ceRateWindowSeconds: Double = 86_400
    ) {
        self.intervalSeconds = intervalSeconds
        self.staleAfterSeconds = staleAfterSeconds
        self.recoverAfterSeconds = recoverAfterSeconds
        self.ceRateMaxErrors = ceRateMaxErrors
        self.ceRateWindowSeconds = ceRateWindowSeconds
    }
}

extension ConfigParser {
    static var memoryKeys: ConfigSection<MemoryConfig> {
        ConfigSection([
            .field("interval", \.intervalSeconds) { (parser, node, path) throws(ConfigError) in try parser.interval(node, path: path) },
            .field("stale_after", \.staleAfterSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path) },
            .field("recover_after", \.recoverAfterSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path, allowZero: true) },
            ConfigKey("ce_rate") { (parser, node, path, memory) throws(ConfigError) in
                let rate = try parser.rate(node, path: path)
                memory.ceRateMaxErrors = rate.maxErrors
                memory.ceRateWindowSeconds = rate.windowSeconds
            },
        ])
    }

    func memory(_ node: YAMLNode) throws(ConfigError) -> MemoryConfig {
        var memory = MemoryConfig()
        if node.isNull { return memory }
        try Self.memoryKeys.apply(node, path: "memory", to: &memory, with: self)
        if memory.staleAfterSeconds <= memory.intervalSeconds {
            throw error(node, "memory.stale_after", "must be longer than memory.interval, or every DIMM reads as stale")
        }
        return memory
    }

    /// A rate, "more than `max_errors` within `window`": `{ max_errors: 24, window: 24h }`, or
    /// the same in one word as mcelog writes it, `24/24h` (`24 / 24h`).
    struct Rate {
        var maxErrors: Int
        var windowSeconds: Double
    }

    static var rateKeys: ConfigSection<Rate> {
        ConfigSection([
            .field("max_errors", \.maxErrors) { (parser, node, path) throws(ConfigError) in try parser.integer(node, path: path, range: 0...1_000_000_000) },
            .field("window", \.windowSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path) },
        ])
    }

    func rate(_ node: YAMLNode, path: String) throws(ConfigError) -> Rate {
        if case .mapping = node.value {
            var rate = Rate(maxErrors: -1, windowSeconds: -1)
            try Self.rateKeys.apply(node, path: path, to: &rate, with: self)
            guard rate.maxErrors >= 0, rate.windowSeconds > 0 else {
                throw error(node, path, "needs both max_errors and window, e.g. { max_errors: 24, window: 24h }")
            }
            return rate
        }
        let expected = "expected a rate such as 24/24h or { max_errors: 24, window: 24h }"
        guard let text = node.scalar, !node.isNull else { throw error(node, path, expected) }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map { $0.filter { $0 != " " } }
        guard parts.count == 2, let count = Int(parts[0]), (0...1_000_000_000).contains(count),
              let seconds = Self.seconds(parts[1]), seconds > 0
        else { throw error(node, path, expected) }
        return Rate(maxErrors: count, windowSeconds: seconds)
    }
}
