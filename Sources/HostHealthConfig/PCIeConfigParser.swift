internal import YAML
internal import HostHealthModel

extension ConfigParser {
    static var pcieKeys: ConfigSection<PCIeConfig> {
        ConfigSection([
            .field("poll_interval", \.pollIntervalSeconds) { (parser, node, path) throws(ConfigError) in try parser.interval(node, path: path) },
            .field("stale_after", \.staleAfterSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path) },
            .field("recover_after", \.recoverAfterSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path, allowZero: true) },
            ConfigKey("correctable_max") { (parser, node, path, pcie) throws(ConfigError) in
                // `auto`: the bound the PCIe bit error rate gives the link (see PCIeHealth).
                pcie.correctableMax = node.scalar == "auto" ? nil : Double(try parser.integer(node, path: path, range: 0...1_000_000_000))
            },
            .field("correctable_window", \.correctableWindowSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path) },
            .field("nonfatal_hold", \.nonFatalHoldSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path, allowZero: true) },
            .field("link_for", \.linkForSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path, allowZero: true) },
            .field("link_training", \.linkTraining) { (parser, node, path) throws(ConfigError) in try parser.boolean(node, path: path) },
            .field("pci_ids", \.pciIDsPath) { (parser, node, path) throws(ConfigError) in
                guard let text = node.scalar, text.hasPrefix("/") else {
                    throw parser.error(node, path, "expected an absolute path to pci.ids, e.g. /usr/share/misc/pci.ids")
                }
                return text
            },
        ])
    }

    /// `pcie:` — every key optional; see `PCIeConfig` for the defaults and why.
    func pcie(_ node: YAMLNode) throws(ConfigError) -> PCIeConfig {
        var pcie = PCIeConfig()
        if node.isNull { return pcie }
        let given = try Self.pcieKeys.apply(node, path: "pcie", to: &pcie, with: self)
        pcie.staleAfterSeconds = try staleAfter(
            pcie.staleAfterSeconds, given: given["stale_after"], resyncInterval: pcie.pollIntervalSeconds, section: node,
            path: "pcie", quiet: "PCIe device")
        return pcie
    }
}
