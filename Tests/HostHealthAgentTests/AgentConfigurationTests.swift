import Foundation
import HostHealthAgent
import HostHealthConfig
import HostHealthModel
import Testing
import HostSystem

@Suite struct ConfigLoaderTests {
    func temporaryFile(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "hosthealth-\(UUID().uuidString).yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func missingDefaultFileMeansBuiltInDefaults() throws {
        var loader = ConfigLoader(path: nil)
        loader.path = "/nonexistent/hosthealth.yaml"
        #expect(try loader.load() == AgentConfig())
    }

    @Test func missingNamedFileIsAnError() {
        let error = #expect(throws: ConfigError.self) { try ConfigLoader(path: "/nonexistent/hosthealth.yaml").load() }
        #expect(error?.description.contains("/nonexistent/hosthealth.yaml") == true)
    }

    @Test func badFileIsRefusedWithFileLineAndKey() throws {
        let path = try temporaryFile("links:\n  required: [eth0]\n  recover_after: soon\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: ConfigError.self) { try ConfigLoader(path: path).load() }
        #expect(error?.description.hasPrefix("\(path):3:") == true)
        #expect(error?.key == "links.recover_after")
    }

    @Test func goodFileIsRead() throws {
        let path = try temporaryFile("links:\n  required: [eth0]\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try ConfigLoader(path: path).load().links.required == [RequiredLink(pattern: LinkPattern("eth0"))])
    }
}

@Suite struct ListenAddressTests {
    @Test func portAloneListensOnAllAddresses() throws {
        #expect(try ListenAddress(parsing: ":9041") == .tcp(host: "0.0.0.0", port: 9041))
    }

    @Test func bracketedIPv6IsUnwrapped() throws {
        #expect(try ListenAddress(parsing: "[::1]:9041") == .tcp(host: "::1", port: 9041))
    }

    @Test func pathIsAUnixSocket() throws {
        #expect(try ListenAddress(parsing: "/run/x.sock") == .unix(path: "/run/x.sock"))
    }

    @Test func badPortIsRefused() {
        #expect(throws: HostHealthError.self) { try ListenAddress(parsing: "localhost:http") }
        #expect(throws: HostHealthError.self) { try ListenAddress(parsing: "localhost") }
        #expect(throws: HostHealthError.self) { try ListenAddress(parsing: ":70000") }
    }
}
