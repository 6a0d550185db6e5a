internal import YAML
internal import HostHealthModel

/// Reads a `web-config.yml`. Keys this agent cannot honour (cipher suites, HTTP/2, custom
/// headers) are refused by name rather than silently ignored: a security setting that does not
/// apply must not look as if it did.
package struct WebConfigParser: Sendable {
    package var file: String

    package init(file: String) {
        self.file = file
    }

    package func parse(_ text: String) throws(ConfigError) -> WebConfig {
        let root: YAMLNode?
        do {
            root = try YAMLParser.parse(text)
        } catch {
            throw ConfigError(file: file, line: error.line, column: error.column, reason: error.message)
        }
        var config = WebConfig()
        guard let root, !root.isNull else { return config }
        try Self.keys.apply(root, path: nil, to: &config, with: ConfigParser(file: file))
        return config
    }

    static var keys: ConfigSection<WebConfig> {
        ConfigSection([
            .field("tls_server_config", \.tls) { (parser, node, path) throws(ConfigError) -> WebConfig.TLSSettings? in
                try tls(node, path, parser)
            },
            .field("basic_auth_users", \.basicAuthUsers) { (parser, node, _) throws(ConfigError) in try users(node, parser) },
            ConfigKey("http_server_config") { (parser, node, path, _) throws(ConfigError) in
                if !node.isNull {
                    throw parser.error(node, path, "not supported by hosthealthd (HTTP/1.1 only, no custom headers); remove it")
                }
            },
        ])
    }

    /// `tls_server_config`: the settings this agent honours, and by name those it refuses.
    static var tlsKeys: ConfigSection<WebConfig.TLSSettings> {
        let refused = ["cipher_suites", "curve_preferences", "prefer_server_cipher_suites", "client_allowed_sans", "cert", "key"]
        return ConfigSection([
            .field("cert_file", \.certFile) { (parser, node, path) throws(ConfigError) in try scalar(node, path, parser) },
            .field("key_file", \.keyFile) { (parser, node, path) throws(ConfigError) in try scalar(node, path, parser) },
            .field("client_auth_type", \.clientAuth) { (parser, node, path) throws(ConfigError) in
                let text = try scalar(node, path, parser)
                guard let mode = WebConfig.ClientAuth(rawValue: text) else {
                    throw parser.error(node, path, "'\(text)' is not supported; use one of \(WebConfig.ClientAuth.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return mode
            },
            .field("client_ca_file", \.clientCAFile) { (parser, node, path) throws(ConfigError) -> String in try scalar(node, path, parser) },
            .field("min_version", \.minVersion) { (parser, node, path) throws(ConfigError) in try version(node, path, parser) },
            .field("max_version", \.maxVersion) { (parser, node, path) throws(ConfigError) in try version(node, path, parser) },
        ] + refused.map { name in
            ConfigKey(name) { (parser, node, path, _) throws(ConfigError) in
                throw parser.error(node, path, "not supported by hosthealthd; remove it (BoringSSL's defaults apply)")
            }
        })
    }

    static func tls(_ node: YAMLNode, _ path: String, _ fields: ConfigParser) throws(ConfigError) -> WebConfig.TLSSettings? {
        if node.isNull { return nil }
        // `scalar` refuses empty values, so an empty file name here means the key was absent.
        var settings = WebConfig.TLSSettings(certFile: "", keyFile: "")
        try tlsKeys.apply(node, path: path, to: &settings, with: fields)
        guard !settings.certFile.isEmpty, !settings.keyFile.isEmpty else {
            throw fields.error(node, path, "needs both cert_file and key_file")
        }
        if settings.clientAuth != .none && settings.clientCAFile == nil {
            throw fields.error(node, "\(path).client_ca_file", "client_auth_type \(settings.clientAuth.rawValue) needs client_ca_file")
        }
        return settings
    }

    static func version(_ node: YAMLNode, _ path: String, _ fields: ConfigParser) throws(ConfigError) -> WebConfig.TLSVersion {
        let text = try scalar(node, path, fields)
        guard let version = WebConfig.TLSVersion(rawValue: text) else {
            throw fields.error(node, path, "expected one of \(WebConfig.TLSVersion.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return version
    }

    static func users(_ node: YAMLNode, _ fields: ConfigParser) throws(ConfigError) -> [String: String] {
        if node.isNull { return [:] }
        guard case .mapping(let pairs) = node.value else {
            throw fields.error(node, "basic_auth_users", "expected a mapping of user names to bcrypt hashes")
        }
        var users: [String: String] = [:]
        for pair in pairs {
            guard let user = pair.key.scalar, !user.isEmpty, !user.contains(":") else {
                throw fields.error(pair.key, "basic_auth_users", "a user name must be non-empty and contain no ':'")
            }
            let hash = try scalar(pair.value, "basic_auth_users.\(user)", fields)
            guard Self.isBcrypt(hash) else {
                throw fields.error(pair.value, "basic_auth_users.\(user)", "expected a bcrypt hash ($2a$, $2b$ or $2y$, 60 characters), e.g. from `htpasswd -nBC 10 \(user)`")
            }
            users[user] = hash
        }
        return users
    }

    static func scalar(_ node: YAMLNode, _ path: String, _ fields: ConfigParser) throws(ConfigError) -> String {
        guard let text = node.scalar, !node.isNull, !text.isEmpty else {
            throw fields.error(node, path, "expected a value")
        }
        return text
    }

    static func isBcrypt(_ hash: String) -> Bool {
        let bytes = Array(hash.utf8)
        guard bytes.count == 60, hash.hasPrefix("$2a$") || hash.hasPrefix("$2b$") || hash.hasPrefix("$2y$"),
              bytes[6] == UInt8(ascii: "$"), let cost = Int(String(decoding: bytes[4..<6], as: UTF8.self)), (4...31).contains(cost)
        else { return false }
        return true
    }
}
