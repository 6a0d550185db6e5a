internal import HostHealthModel

/// `fleet:` — the pool this host serves with and the drain budget the pool shares, held in
/// etcd. One common cause (a hot room, a broken reader after an update) must not make every
/// host of a pool drain at once: a host takes a slot before it acts on a worse verdict.
/// Absent: every host acts on its own verdict alone, as before.
package struct FleetConfig: Sendable, Equatable {
    /// etcd's client URLs (the v3 API); tried in turn.
    package var endpoints: [EtcdEndpoint]
    /// Hosts that serve the same thing and share one budget; a word, as it names etcd keys.
    package var pool: String
    /// How many of the pool may be drained (or down) at once.
    package var maxDraining: DrainLimit
    /// A host that dies frees its slot when this lease runs out (30s: etcd's own examples;
    /// keep-alives go out at a third of it).
    package var leaseTTLSeconds: Double
    /// The weight a host that wants to drain but has no slot serves at (50%: it takes half its
    /// share while its peers, with weights normalised across the pool, take the rest).
    package var deniedWeight: Double
    /// With etcd unreachable the last answer holds this long, then the host's own verdict acts
    /// (10m: an etcd restart or a short partition must not flap a pool).
    package var staticForSeconds: Double
    /// This host's name in the pool; nil: the host name (`uname -n`).
    package var member: String?
    /// Labels written with this host's member key in etcd (`zone=…,rack=…`).
    package var zone: String?
    package var rack: String?
    /// Every key the agent writes starts with this (`/hosthealth`).
    package var keyPrefix: String
    /// TLS to etcd, Prometheus `tls_config` style; nil for `http://` endpoints.
    package var tls: ClientTLSSettings?

    package init(
        endpoints: [EtcdEndpoint], pool: String, maxDraining: DrainLimit = .percent(25), leaseTTLSeconds: Double = 30,
        deniedWeight: Double = 0.5, staticForSeconds: Double = 600, member: String? = nil, zone: String? = nil,
        rack: String? = nil, keyPrefix: String = "/hosthealth", tls: ClientTLSSettings? = nil
    ) {
        self.endpoints = endpoints
        self.pool = pool
        self.maxDraining = maxDraining
        self.leaseTTLSeconds = leaseTTLSeconds
        self.deniedWeight = deniedWeight
        self.staticForSeconds = staticForSeconds
        self.member = member
        self.zone = zone
        self.rack = rack
        self.keyPrefix = keyPrefix
        self.tls = tls
    }

    /// A slot count, or a share of the pool's live members.
    package enum DrainLimit: Sendable, Equatable, CustomStringConvertible {
        case count(Int)
        case percent(Double)

        /// Slots for a pool of `members` live hosts: a share rounds down, but one host may
        /// always drain (a pool of three at 25% would otherwise never let any go).
        package func slots(members: Int) -> Int {
            switch self {
            case .count(let count): count
            case .percent(let percent): max(1, Int((Double(members) * percent / 100).rounded(.down)))
            }
        }

        package var description: String {
            switch self {
            case .count(let count): "\(count)"
            case .percent(let percent): "\(TextFormat.decimal(percent))%"
            }
        }
    }
}

/// One etcd client URL: `http://127.0.0.1:2379`, `https://[fd00::1]:2379`.
package struct EtcdEndpoint: Sendable, Equatable, CustomStringConvertible {
    package var tls: Bool
    package var host: String
    package var port: Int

    package init(tls: Bool, host: String, port: Int) {
        self.tls = tls
        self.host = host
        self.port = port
    }

    /// nil unless `http://HOST[:PORT]` or `https://…`, with no path; the port defaults to 2379.
    package init?(url: String) {
        let scheme: Bool
        var rest: Substring
        if url.hasPrefix("http://") {
            (scheme, rest) = (false, url.dropFirst(7))
        } else if url.hasPrefix("https://") {
            (scheme, rest) = (true, url.dropFirst(8))
        } else {
            return nil
        }
        if rest.hasSuffix("/") { rest.removeLast() }
        guard !rest.isEmpty, !rest.contains("/"), !rest.contains("@") else { return nil }
        var host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                portText = after.dropFirst()
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
        }
        var port = 2379
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else { return nil }
            port = value
        }
        guard !host.isEmpty else { return nil }
        self.init(tls: scheme, host: String(host), port: port)
    }

    /// `HOST:PORT`, an IPv6 address in brackets: the HTTP `Host` header.
    package var authority: String {
        (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
    }

    package var description: String {
        "\(tls ? "https" : "http")://\(authority)"
    }
}

/// TLS as a client, with Prometheus' `tls_config` keys: the CA that signs the server, and
/// the client certificate etcd's `--client-cert-auth` asks for.
package struct ClientTLSSettings: Sendable, Equatable {
    package var caFile: String?
    package var certFile: String?
    package var keyFile: String?
    /// The name the server's certificate must carry; nil: the endpoint's host.
    package var serverName: String?
    /// Skips verifying the server: for tests only, and said so in the log.
    package var insecureSkipVerify: Bool
    package var minVersion: WebConfig.TLSVersion?

    package init(
        caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil, serverName: String? = nil,
        insecureSkipVerify: Bool = false, minVersion: WebConfig.TLSVersion? = nil
    ) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.serverName = serverName
        self.insecureSkipVerify = insecureSkipVerify
        self.minVersion = minVersion
    }
}
