internal import HostHealthModel

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
package struct WebConfig: Sendable, Equatable {
    package var tls: TLSSettings?
    /// User name → bcrypt hash.
    package var basicAuthUsers: [String: String]

    package init(tls: TLSSettings? = nil, basicAuthUsers: [String: String] = [:]) {
        self.tls = tls
        self.basicAuthUsers = basicAuthUsers
    }

    package struct TLSSettings: Sendable, Equatable {
        package var certFile: String
        package var keyFile: String
        package var clientAuth: ClientAuth
        package var clientCAFile: String?
        package var minVersion: TLSVersion?
        package var maxVersion: TLSVersion?

        package init(
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
    package enum ClientAuth: String, Sendable, CaseIterable {
        case none = "NoClientCert"
        case verifyIfGiven = "VerifyClientCertIfGiven"
        case requireAndVerify = "RequireAndVerifyClientCert"
    }

    package enum TLSVersion: String, Sendable, CaseIterable {
        case tls10 = "TLS10"
        case tls11 = "TLS11"
        case tls12 = "TLS12"
        case tls13 = "TLS13"
    }
}
