import HostHealthAgent
import HostHealthModel
import Testing

@Suite struct DaemonFlagsTests {
    func options(_ arguments: String...) throws -> AgentOptions {
        guard case .run(let options) = try DaemonFlags.parse(arguments) else {
            Issue.record("expected options for \(arguments)")
            return AgentOptions()
        }
        return options
    }

    @Test func noFlagsGiveTheDefaults() throws {
        #expect(try options() == AgentOptions())
    }

    @Test func valuesComeWithEqualsOrAsTheNextArgument() throws {
        #expect(try options("--config.file=/a.yaml").configFile == "/a.yaml")
        #expect(try options("--config.file", "/b.yaml").configFile == "/b.yaml")
    }

    @Test func webListenAddressRepeats() throws {
        let parsed = try options("--web.listen-address=127.0.0.1:1", "--web.listen-address", "[::1]:2")
        #expect(parsed.webListenAddresses == [.tcp(host: "127.0.0.1", port: 1), .tcp(host: "::1", port: 2)])
    }

    @Test func anEmptyValueTurnsAListenerOff() throws {
        let parsed = try options("--agent-check.listen-address=", "--control.socket=")
        #expect(parsed.agentCheckAddress == nil)
        #expect(parsed.controlSocket == nil)
    }

    @Test func collectorsTurnOffWithNo() throws {
        #expect(try options("--no-collector.links").collectors.contains(.links) == false)
        #expect(try options("--no-collector.links", "--collector.links").collectors.contains(.links))
        #expect(try options("--collector.links=false").collectors.contains(.links) == false)
        #expect(try options("--no-collector.links=false").collectors.contains(.links))
        #expect(try options("--no-collector.arrays").collectors == Set(Collector.allCases).subtracting([.arrays]))
    }

    @Test func logLevelAndFormatAreChecked() throws {
        #expect(try options("--log.level=debug", "--log.format=json").logFormat == .json)
        #expect(throws: AgentError.self) { try DaemonFlags.parse(["--log.level=loud"]) }
        #expect(throws: AgentError.self) { try DaemonFlags.parse(["--log.format=xml"]) }
    }

    @Test func aMisspeltFlagSuggestsTheRightOne() {
        let error = #expect(throws: AgentError.self) { try DaemonFlags.parse(["--web.listen-adress=:1"]) }
        #expect(error?.message.contains("did you mean --web.listen-address?") == true)
    }

    @Test func aMissingValueIsAnError() {
        #expect(throws: AgentError.self) { try DaemonFlags.parse(["--config.file"]) }
        // The next flag is not a value: `--state.dir --control.socket=` must not make a folder
        // named "--control.socket=".
        #expect(throws: AgentError.self) { try DaemonFlags.parse(["--state.dir", "--control.socket="]) }
    }

    @Test func agentCheckMustBeTCP() {
        #expect(throws: AgentError.self) { try DaemonFlags.parse(["--agent-check.listen-address=/run/x.sock"]) }
    }

    @Test func helpAndVersionAreActions() throws {
        #expect(try DaemonFlags.parse(["--web.listen-address=:1", "--help"]) == .help)
        #expect(try DaemonFlags.parse(["--version"]) == .version)
        #expect(DaemonFlags.helpText.contains("--[no-]collector.links"))
    }
}
