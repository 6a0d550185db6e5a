import HostHealthConfig
import HostHealthModel
import Testing

@Suite("WebConfigParser: exporter-toolkit web-config.yml")
struct WebConfigParserTests {
    static let file = "/etc/hosthealth/web.yml"
    static let hash = "$2y$10$nlHG8nG.xLvAVU1bG6tbN.ml1FWJU0f8/thn1SdwsMqqY4C5pYcfi"

    func parse(_ text: String) throws(ConfigError) -> WebConfig {
        try WebConfigParser(file: Self.file).parse(text)
    }

    func error(_ text: String) -> ConfigError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func emptyFileMeansNoTLSAndNoUsers() throws {
        #expect(try parse("") == WebConfig())
    }

    @Test func tlsAndUsersAreRead() throws {
        let config = try parse("""
            tls_server_config:
              cert_file: /c.pem
              key_file: /k.pem
              client_auth_type: RequireAndVerifyClientCert
              client_ca_file: /ca.pem
              min_version: TLS13
            basic_auth_users:
              prometheus: '\(Self.hash)'
            """)
        #expect(config.tls == WebConfig.TLSSettings(
            certFile: "/c.pem", keyFile: "/k.pem", clientAuth: .requireAndVerify, clientCAFile: "/ca.pem", minVersion: .tls13))
        #expect(config.basicAuthUsers == ["prometheus": Self.hash])
    }

    @Test func aCertificateWithoutAKeyIsRefused() {
        let error = error("tls_server_config:\n  cert_file: /c.pem\n")
        #expect(error?.key == "tls_server_config")
        #expect(error?.reason.contains("key_file") == true)
        #expect(error?.line == 2)
    }

    @Test func clientVerificationWithoutACAIsRefused() {
        let error = error("tls_server_config:\n  cert_file: /c\n  key_file: /k\n  client_auth_type: RequireAndVerifyClientCert\n")
        #expect(error?.key == "tls_server_config.client_ca_file")
    }

    @Test func settingsThisAgentCannotHonourAreRefusedByName() {
        let error = error("tls_server_config:\n  cert_file: /c\n  key_file: /k\n  cipher_suites: [TLS_AES_128_GCM_SHA256]\n")
        #expect(error?.key == "tls_server_config.cipher_suites")
        #expect(error?.line == 4)
        #expect(self.error("http_server_config:\n  http2: true\n")?.key == "http_server_config")
    }

    @Test func anUnknownClientAuthTypeIsRefused() {
        #expect(error("tls_server_config:\n  cert_file: /c\n  key_file: /k\n  client_auth_type: Sometimes\n")?.key == "tls_server_config.client_auth_type")
    }

    @Test(arguments: ["secret", "$1$abc$def", "$2y$99$nlHG8nG.xLvAVU1bG6tbN.ml1FWJU0f8/thn1SdwsMqqY4C5pYcfi", "$2y$10$short"])
    func aPasswordThatIsNotABcryptHashIsRefused(_ value: String) {
        let error = error("basic_auth_users:\n  prometheus: '\(value)'\n")
        #expect(error?.key == "basic_auth_users.prometheus")
        #expect(error?.description.hasPrefix("\(Self.file):2:") == true)
    }

    @Test func anUnknownTopLevelKeyIsRefused() {
        #expect(error("tls_config:\n  cert_file: /c\n")?.key == "tls_config")
    }
}
