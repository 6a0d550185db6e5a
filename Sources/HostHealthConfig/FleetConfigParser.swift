internal import YAML
internal import HostHealthModel

extension ConfigParser {
    static var fleetKeys: ConfigSection<FleetConfig> {
        ConfigSection([
            .field("etcd", \.endpoints) { (parser, node, path) throws(ConfigError) in try parser.etcdEndpoints(node, path: path) },
            .field("pool", \.pool) { (parser, node, path) throws(ConfigError) in
                node.isNull ? "" : try parser.fleetWord(node, path: path)
            },
            .field("max_draining", \.maxDraining) { (parser, node, path) throws(ConfigError) in try parser.drainLimit(node, path: path) },
            .field("lease_ttl", \.leaseTTLSeconds) { (parser, node, path) throws(ConfigError) in
                // etcd grants at least 5 s (its minimum TTL is about 1.5 election timeouts);
                // more than an hour leaves a dead host's slot taken for that long.
                let seconds = try parser.duration(node, path: path)
                guard (5...3600).contains(seconds) else { throw parser.error(node, path, "must be between 5s and 1h") }
                return seconds.rounded(.up)
            },
            .field("denied_weight", \.deniedWeight) { (parser, node, path) throws(ConfigError) in
                Double(try parser.percent(node, path: path, range: 1...100)) / 100
            },
            .field("static_for", \.staticForSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path, allowZero: true) },
            .field("member", \.member) { (parser, node, path) throws(ConfigError) in try parser.fleetWord(node, path: path) },
            .field("zone", \.zone) { (parser, node, path) throws(ConfigError) in try parser.fleetLabel(node, path: path) },
            .field("rack", \.rack) { (parser, node, path) throws(ConfigError) in try parser.fleetLabel(node, path: path) },
            .field("key_prefix", \.keyPrefix) { (parser, node, path) throws(ConfigError) in
                guard let text = node.scalar, text.hasPrefix("/"), !text.hasSuffix("/"), !text.contains(where: \.isWhitespace) else {
                    throw parser.error(node, path, "expected a key prefix such as /hosthealth (a leading '/', none at the end)")
                }
                return text
            },
            .field("tls_config", \.tls) { (parser, node, path) throws(ConfigError) -> ClientTLSSettings? in try parser.clientTLS(node, path: path) },
        ])
    }

    static var clientTLSKeys: ConfigSection<ClientTLSSettings> {
        ConfigSection([
            .field("ca_file", \.caFile) { (parser, node, path) throws(ConfigError) -> String? in try parser.absolutePath(node, path: path) },
            .field("cert_file", \.certFile) { (parser, node, path) throws(ConfigError) -> String? in try parser.absolutePath(node, path: path) },
            .field("key_file", \.keyFile) { (parser, node, path) throws(ConfigError) -> String? in try parser.absolutePath(node, path: path) },
            .field("server_name", \.serverName) { (parser, node, path) throws(ConfigError) -> String? in
                try WebConfigParser.scalar(node, path, parser)
            },
            .field("insecure_skip_verify", \.insecureSkipVerify) { (parser, node, path) throws(ConfigError) in try parser.boolean(node, path: path) },
            .field("min_version", \.minVersion) { (parser, node, path) throws(ConfigError) -> WebConfig.TLSVersion? in
                try WebConfigParser.version(node, path, parser)
            },
        ])
    }

    /// `fleet:` — `etcd` and `pool` are needed; see `FleetConfig` for the defaults and why.
    /// A section that only states the defaults (no etcd, no pool: the shipped file
    /// uncommented) is no fleet; one that sets anything else without them is refused.
    func fleet(_ node: YAMLNode) throws(ConfigError) -> FleetConfig? {
        if node.isNull { return nil }
        let off = FleetConfig(endpoints: [], pool: "")
        var fleet = off
        try Self.fleetKeys.apply(node, path: "fleet", to: &fleet, with: self)
        if fleet == off { return nil }
        guard !fleet.endpoints.isEmpty else {
            throw error(node, "fleet.etcd", "needs etcd's client URLs, e.g. etcd: [http://10.0.0.1:2379]")
        }
        guard !fleet.pool.isEmpty else {
            throw error(node, "fleet.pool", "needs the pool's name: the hosts that serve the same thing and share the drain budget")
        }
        let secure = fleet.endpoints.contains(where: \.tls)
        if let tls = fleet.tls {
            guard secure else {
                throw error(node, "fleet.tls_config", "every etcd URL is http://; use https:// URLs or remove tls_config")
            }
            if (tls.certFile == nil) != (tls.keyFile == nil) {
                throw error(node, "fleet.tls_config", "a client certificate needs both cert_file and key_file")
            }
        }
        if secure && fleet.endpoints.contains(where: { !$0.tls }) {
            throw error(node, "fleet.etcd", "mixes http:// and https:// URLs; one etcd cluster speaks one")
        }
        // 0 turns fail-static off; anything shorter than a lease cannot outlive one answer.
        if fleet.staticForSeconds > 0 && fleet.staticForSeconds < fleet.leaseTTLSeconds {
            throw error(node, "fleet.static_for", "must be 0 or at least lease_ttl (\(TextFormat.duration(fleet.leaseTTLSeconds))): the budget cannot be known fresher than a lease")
        }
        return fleet
    }

    func etcdEndpoints(_ node: YAMLNode, path: String) throws(ConfigError) -> [EtcdEndpoint] {
        let items: [YAMLNode]
        if node.isNull { return [] }
        switch node.value {
        case .sequence(let list): items = list
        case .scalar: items = [node]
        default: throw error(node, path, "expected a list of etcd client URLs")
        }
        var endpoints: [EtcdEndpoint] = []
        for (index, item) in items.enumerated() {
            guard let text = item.scalar, let endpoint = EtcdEndpoint(url: text) else {
                throw error(item, "\(path)[\(index)]", "expected an etcd client URL such as http://10.0.0.1:2379 or https://etcd1:2379")
            }
            endpoints.append(endpoint)
        }
        return endpoints
    }

    /// `3` (hosts) or `25%` (of the pool's live members).
    func drainLimit(_ node: YAMLNode, path: String) throws(ConfigError) -> FleetConfig.DrainLimit {
        if let text = node.scalar, text.hasSuffix("%") {
            return .percent(Double(try percent(node, path: path, range: 1...100)))
        }
        guard let text = node.scalar, let count = Int(text), count >= 0, count <= 100_000 else {
            throw error(node, path, "expected a number of hosts (e.g. 3) or a share of the pool (e.g. 25%)")
        }
        return .count(count)
    }

    /// `NN%`, a whole percentage.
    func percent(_ node: YAMLNode, path: String, range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard let text = node.scalar, text.hasSuffix("%"), let value = Int(text.dropLast()) else {
            throw error(node, path, "expected a percentage such as 50%")
        }
        guard range.contains(value) else {
            throw error(node, path, "\(text) is out of range \(range.lowerBound)%...\(range.upperBound)%")
        }
        return value
    }

    /// A name that goes into etcd keys: letters, digits, `.`, `_`, `-`.
    func fleetWord(_ node: YAMLNode, path: String) throws(ConfigError) -> String {
        guard let text = node.scalar, !node.isNull, (1...63).contains(text.utf8.count),
            text.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) })
        else {
            throw error(node, path, "expected a name of 1-63 letters, digits, '.', '_' or '-'")
        }
        return text
    }

    /// A label value for metrics: printable, short.
    func fleetLabel(_ node: YAMLNode, path: String) throws(ConfigError) -> String {
        guard let text = node.scalar, !node.isNull, (1...128).contains(text.utf8.count),
            !text.unicodeScalars.contains(where: TextFormat.isControl)
        else {
            throw error(node, path, "expected a label of 1-128 printable characters")
        }
        return text
    }

    func absolutePath(_ node: YAMLNode, path: String) throws(ConfigError) -> String {
        guard let text = node.scalar, text.hasPrefix("/") else {
            throw error(node, path, "expected an absolute path")
        }
        return text
    }

    func clientTLS(_ node: YAMLNode, path: String) throws(ConfigError) -> ClientTLSSettings? {
        if node.isNull { return nil }
        var settings = ClientTLSSettings()
        try Self.clientTLSKeys.apply(node, path: path, to: &settings, with: self)
        return settings
    }
}
