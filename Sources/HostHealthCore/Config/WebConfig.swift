/// `--web.config.file`: TLS and basic auth for the HTTP port, in the Prometheus
/// exporter-toolkit format, so one file can serve node_exporter and hosthealthd alike.
///
///     tls_server_config:
///       cert_file: /etc/hosthealth/tls.crt
///       key_file: /etc/hosthealth/tls.key
///       client_auth_type: RequireAndVerifyClientCert
///       client_ca_file: /etc/hosthealth/ca.crt
///       min_version: TLS12
///     basic_auth_users:
///       prometheus: $2y$10$…          # bcrypt, e.g. from `htpasswd -nBC 10 prometheus`
public struct WebConfig: Sendable, Equatable {
    public var tls: TLSSettings?
    /// User name → bcrypt hash.
    public var basicAuthUsers: [String: String]

    public init(tls: TLSSettings? = nil, basicAuthUsers: [String: String] = [:]) {
        self.tls = tls
        self.basicAuthUsers = basicAuthUsers
    }

    public struct TLSSettings: Sendable, Equatable {
        public var certFile: String
        public var keyFile: String
        public var clientAuth: ClientAuth
        public var clientCAFile: String?
        public var minVersion: TLSVersion?
        public var maxVersion: TLSVersion?

        public init(
            certFile: String, keyFile: String, clientAuth: ClientAuth = .none, clientCAFile: String? = nil,
            minVersion: TLSVersion? = nil, maxVersion: TLSVersion? = nil
        ) {
            self.certFile = certFile
            self.keyFile = keyFile
            self.clientAuth = clientAuth
            self.clientCAFile = clientCAFile
            self.minVersion = minVersion
            self.maxVersion = maxVersion
        }
    }

    /// exporter-toolkit's `client_auth_type` values this agent supports.
    public enum ClientAuth: String, Sendable, CaseIterable {
        case none = "NoClientCert"
        case verifyIfGiven = "VerifyClientCertIfGiven"
        case requireAndVerify = "RequireAndVerifyClientCert"
    }

    public enum TLSVersion: String, Sendable, CaseIterable {
        case tls10 = "TLS10"
        case tls11 = "TLS11"
        case tls12 = "TLS12"
        case tls13 = "TLS13"
    }
}
