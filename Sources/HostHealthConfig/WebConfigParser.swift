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
        let fields = ConfigParser(file: file)
        for (key, value) in try fields.mapping(root, path: nil, allowed: ["tls_server_config", "basic_auth_users", "http_server_config"]) {
            switch key {
            case "tls_server_config":
                config.tls = try tls(value, fields)
            case "basic_auth_users":
                config.basicAuthUsers = try users(value, fields)
            default:
                if !value.isNull {
                    throw fields.error(value, key, "not supported by hosthealthd (HTTP/1.1 only, no custom headers); remove it")
                }
            }
        }
        return config
    }

    func tls(_ node: YAMLNode, _ fields: ConfigParser) throws(ConfigError) -> WebConfig.TLSSettings? {
        if node.isNull { return nil }
        let path = "tls_server_config"
        let supported = ["cert_file", "key_file", "client_auth_type", "client_ca_file", "min_version", "max_version"]
        let refused = ["cipher_suites", "curve_preferences", "prefer_server_cipher_suites", "client_allowed_sans", "cert", "key"]
        var certFile: String?
        var keyFile: String?
        var settings = WebConfig.TLSSettings(certFile: "", keyFile: "")
        for (key, value) in try fields.mapping(node, path: path, allowed: supported + refused) {
            let keyPath = "\(path).\(key)"
            if refused.contains(key) {
                throw fields.error(value, keyPath, "not supported by hosthealthd; remove it (BoringSSL's defaults apply)")
            }
            let text = try scalar(value, keyPath, fields)
            switch key {
            case "cert_file": certFile = text
            case "key_file": keyFile = text
            case "client_ca_file": settings.clientCAFile = text
            case "client_auth_type":
                guard let mode = WebConfig.ClientAuth(rawValue: text) else {
                    throw fields.error(value, keyPath, "'\(text)' is not supported; use one of \(WebConfig.ClientAuth.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                settings.clientAuth = mode
            default:
                guard let version = WebConfig.TLSVersion(rawValue: text) else {
                    throw fields.error(value, keyPath, "expected one of \(WebConfig.TLSVersion.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                if key == "min_version" { settings.minVersion = version } else { settings.maxVersion = version }
            }
        }
        guard let certFile, let keyFile else {
            throw fields.error(node, path, "needs both cert_file and key_file")
        }
        if settings.clientAuth != .none && settings.clientCAFile == nil {
            throw fields.error(node, "\(path).client_ca_file", "client_auth_type \(settings.clientAuth.rawValue) needs client_ca_file")
        }
        settings.certFile = certFile
        settings.keyFile = keyFile
        return settings
    }

    func users(_ node: YAMLNode, _ fields: ConfigParser) throws(ConfigError) -> [String: String] {
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

    func scalar(_ node: YAMLNode, _ path: String, _ fields: ConfigParser) throws(ConfigError) -> String {
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
