import TestFixtures
import HostHealthConfig
import Testing
import HostHealthModel

@Suite("ConfigParser: hosthealth.yaml into AgentConfig, or an error naming file, line and key")
struct ConfigParserTests {
    static let file = "/etc/hosthealth/hosthealth.yaml"
    let parser = ConfigParser(file: Self.file)

    /// The error the parser refuses `yaml` with, or nil when it accepts it.
    func refusal(_ yaml: String) -> ConfigError? {
        do {
            _ = try parser.parse(yaml)
            return nil
        } catch {
            return error
        }
    }

    /// Checks that `yaml` is refused at `line` for `key`, and that the message says so.
    func expectRefused(
        _ yaml: String, line: Int, key: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let error = try #require(refusal(yaml), "accepted: \(yaml)", sourceLocation: sourceLocation)
        #expect(error.file == Self.file, sourceLocation: sourceLocation)
        #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
        #expect(error.key == key, "\(error)", sourceLocation: sourceLocation)
        #expect(error.description.hasPrefix("\(Self.file):\(line):"), "\(error)", sourceLocation: sourceLocation)
        #expect(error.description.contains(key), "\(error)", sourceLocation: sourceLocation)
    }

    // MARK: - Defaults

    @Test func builtInDefaultsAreTheDesignedOnes() {
        let config = AgentConfig()
        #expect(config.links.required.isEmpty)
        #expect(config.links.flapMaxChanges == 6)
        #expect(config.links.flapWindowSeconds == 300)
        #expect(config.links.recoverAfterSeconds == 10)
        #expect(config.links.resyncIntervalSeconds == 60)
        #expect(config.links.staleAfterSeconds == 180)
        #expect(config.health.statusCodes == [.ok: 200, .converging: 200, .degraded: 503, .failed: 503, .unknown: 503])
    }

    @Test func emptyDocumentGivesTheDefaults() throws {
        #expect(try parser.parse("") == AgentConfig())
    }

    @Test(arguments: ["~", "null", "---\n", "# nothing configured yet\n"])
    func nullDocumentGivesTheDefaults(_ yaml: String) throws {
        #expect(try parser.parse(yaml) == AgentConfig())
    }

    @Test func emptySectionsGiveTheDefaults() throws {
        #expect(try parser.parse("links:\nhealth: ~\n") == AgentConfig())
    }

    // MARK: - Accepted files

    @Test func fullExampleIsRead() throws {
        let yaml = """
            # /etc/hosthealth/hosthealth.yaml
            links:
              required:
                - eth0
                - "bond*"
                - name: ens1f0
                  min_speed: 25G
              flapping:
                max_changes: 4
                window: 10m
              recover_after: 30s
              resync_interval: 2m
              stale_after: 5m
            health:
              status_codes:
                degraded: 429
            """
        var codes = HealthOutputConfig.defaultStatusCodes
        codes[.degraded] = 429
        let expected = AgentConfig(
            links: LinkConfig(
                required: [
                    Fixture.required("eth0"), Fixture.required("bond*"),
                    Fixture.required("ens1f0", minSpeedMbps: 25_000),
                ],
                flapMaxChanges: 4, flapWindowSeconds: 600, recoverAfterSeconds: 30,
                resyncIntervalSeconds: 120, staleAfterSeconds: 300),
            health: HealthOutputConfig(statusCodes: codes))
        #expect(try parser.parse(yaml) == expected)
    }

    @Test func flowStyleRequiredListIsRead() throws {
        let config = try parser.parse("links: { required: [eth0, \"ens[0-9]\"] }\n")
        #expect(config.links.required == [Fixture.required("eth0"), Fixture.required("ens[0-9]")])
    }

    @Test func staleAfterDefaultsToThreeResyncIntervals() throws {
        let config = try parser.parse("links:\n  resync_interval: 2m\n")
        #expect(config.links.staleAfterSeconds == 360)
    }

    @Test(arguments: [("250ms", 0.25), ("10s", 10), ("5m", 300), ("1h", 3600), ("1d", 86_400), ("45", 45), ("1.5m", 90)])
    func durationIsReadInItsUnit(_ text: String, _ seconds: Double) throws {
        let config = try parser.parse("links:\n  flapping:\n    window: \(text)\n")
        #expect(config.links.flapWindowSeconds == seconds)
    }

    @Test(arguments: ["1e308d", "1e19s", "3651d", "inf", "nan", "-1s"])
    func durationBeyondTenYearsOrNotANumberIsRefusedWithItsKey(_ text: String) {
        // A value near infinity would trap wherever it becomes whole seconds (e.g. on SIGHUP).
        #expect(throws: ConfigError.self) { try parser.parse("links:\n  resync_interval: \(text)\n") }
        #expect(throws: ConfigError.self) { try parser.parse("links:\n  flapping:\n    window: \(text)\n") }
    }

    @Test func recoverAfterMayBeZero() throws {
        #expect(try parser.parse("links:\n  recover_after: 0s\n").links.recoverAfterSeconds == 0)
    }

    @Test(arguments: [
        ("1000", 1000), ("100M", 100), ("10G", 10_000), ("2.5G", 2500), ("25Gb/s", 25_000), ("10gbps", 10_000),
    ] as [(String, UInt32)])
    func speedIsReadInMegabitsPerSecond(_ text: String, _ mbps: UInt32) throws {
        let config = try parser.parse("links:\n  required:\n    - name: eth0\n      min_speed: \(text)\n")
        #expect(config.links.required.first?.minSpeedMbps == mbps)
    }

    @Test func statusCodeMayBeMappedForConsul() throws {
        let config = try parser.parse("health:\n  status_codes:\n    degraded: 429\n")
        #expect(config.health.statusCode(for: .degraded) == 429)
        #expect(config.health.statusCode(for: .failed) == 503)
    }

    // MARK: - Refused files

    @Test func errorDescriptionIsFileLineColumnKeyAndReason() throws {
        let error = try #require(refusal("links:\n  requird: [eth0]\n"))
        #expect(error.description == "\(Self.file):2:3: links.requird: unknown key; expected one of: required, flapping, recover_after, resync_interval, stale_after")
    }

    @Test func unknownTopLevelKeyIsRefused() throws {
        try expectRefused("link:\n  required: [eth0]\n", line: 1, key: "link")
    }

    @Test func unknownNestedKeyIsRefused() throws {
        try expectRefused("links:\n  flapping:\n    max_change: 3\n", line: 3, key: "links.flapping.max_change")
    }

    @Test func unknownHostStateInStatusCodesIsRefused() throws {
        try expectRefused("health:\n  status_codes:\n    sick: 503\n", line: 3, key: "health.status_codes.sick")
    }

    @Test func sectionThatIsNotAMappingIsRefused() throws {
        try expectRefused("links: 5\n", line: 1, key: "links")
    }

    @Test func requiredThatIsNotAListIsRefused() throws {
        try expectRefused("links:\n  required: eth0\n", line: 2, key: "links.required")
    }

    @Test func nonNumericMaxChangesIsRefused() throws {
        try expectRefused("links:\n  flapping:\n    max_changes: many\n", line: 3, key: "links.flapping.max_changes")
    }

    @Test func zeroMaxChangesIsRefused() throws {
        try expectRefused("links:\n  flapping:\n    max_changes: 0\n", line: 3, key: "links.flapping.max_changes")
    }

    @Test(arguments: ["soon", "5 minutes", "-5s", "10x", "nan", ".inf"])
    func badDurationIsRefused(_ text: String) throws {
        try expectRefused("links:\n  recover_after: \(text)\n", line: 2, key: "links.recover_after")
    }

    @Test func zeroFlapWindowIsRefused() throws {
        try expectRefused("links:\n  flapping:\n    window: 0s\n", line: 3, key: "links.flapping.window")
    }

    @Test(arguments: ["fast", "0", "-1G", "10T", "5000000G"])
    func badSpeedIsRefused(_ text: String) throws {
        try expectRefused(
            "links:\n  required:\n    - name: eth0\n      min_speed: \(text)\n", line: 4, key: "links.required[0].min_speed")
    }

    @Test func entryWithSpeedButNoNameIsRefused() throws {
        try expectRefused("links:\n  required:\n    - min_speed: 10G\n", line: 3, key: "links.required[0]")
    }

    @Test(arguments: ["eth0/1", "a-name-longer-than-15", "\"\"", "\"eth 0\""])
    func invalidLinkNameIsRefused(_ text: String) throws {
        try expectRefused("links:\n  required:\n    - eth0\n    - \(text)\n", line: 4, key: "links.required[1]")
    }

    @Test(arguments: ["700", "99", "warning", "200.5"])
    func badStatusCodeIsRefused(_ text: String) throws {
        try expectRefused("health:\n  status_codes:\n    degraded: \(text)\n", line: 3, key: "health.status_codes.degraded")
    }

    @Test func staleAfterNotLongerThanResyncIntervalIsRefusedAtItsLine() throws {
        let yaml = "links:\n  recover_after: 5s\n  resync_interval: 60s\n  stale_after: 60s\n"
        try expectRefused(yaml, line: 4, key: "links.stale_after")
    }

    @Test func malformedYAMLIsRefusedWithFileAndLine() throws {
        let error = try #require(refusal("links:\n  recover_after: 5s\n  required: [eth0\n"))
        #expect(error.file == Self.file)
        let line = try #require(error.line)
        #expect((3...4).contains(line), "\(error)")
        #expect(error.description.hasPrefix("\(Self.file):\(line):"))
    }

    @Test func tabIndentationIsRefusedWithFileAndLine() throws {
        let error = try #require(refusal("links:\n\trecover_after: 5s\n"))
        #expect(error.line == 2, "\(error)")
        #expect(error.description.hasPrefix("\(Self.file):2:"))
    }

    @Test func duplicateKeyIsRefusedNamingTheKeyAndItsSecondLine() throws {
        let error = try #require(refusal("links:\n  recover_after: 5s\n  recover_after: 6s\n"))
        #expect(error.line == 3, "\(error)")
        #expect(error.description.hasPrefix("\(Self.file):3:"))
        #expect(error.description.contains("recover_after"))
    }

    @Test func duplicateTopLevelSectionIsRefused() throws {
        let error = try #require(refusal("links:\n  recover_after: 5s\nlinks:\n  recover_after: 6s\n"))
        #expect(error.line == 3, "\(error)")
        #expect(error.description.contains("links"))
    }
}

@Suite("ConfigParser: polling periods have a floor")
struct PollFloorTests {
    @Test(arguments: [
        "sensors:\n  interval: 1ms\n", "links:\n  resync_interval: 100ms\n", "arrays:\n  resync_interval: 0.5s\n",
        "smart:\n  interval: 5s\n",
    ])
    func aPollShorterThanItsFloorIsRefused(_ yaml: String) throws {
        let error = try #require(throws: ConfigError.self) { try ConfigParser(file: "t.yaml").parse(yaml) }
        #expect(error.description.contains("must be at least"), "\(error)")
    }

    @Test func aPollAtItsFloorIsTaken() throws {
        #expect(try ConfigParser(file: "t.yaml").parse("sensors:\n  interval: 1s\n").sensors.intervalSeconds == 1)
        #expect(try ConfigParser(file: "t.yaml").parse("smart:\n  interval: 10s\n").smart.intervalSeconds == 10)
    }
}

@Suite("ConfigParser: hooks")
struct HookConfigParserTests {
    @Test func hooksTakeAnAbsoluteProgramAndATimeout() throws {
        let config = try ConfigParser(file: "t.yaml").parse("hooks:\n  on_transition: /bin/true\n  timeout: 30s\n")
        #expect(config.hooks == HookConfig(onTransition: "/bin/true", timeoutSeconds: 30))
    }

    @Test(arguments: [
        ("/usr/local/sbin/no-such-hook", "No such file or directory"), ("/etc", "not a regular file"),
        ("/etc/passwd", "not executable"),
    ])
    func aHookThatCannotRunIsRefusedAtOnce(_ path: String, _ why: String) throws {
        // access(X_OK) refuses a file without any x bit to root too.
        let error = try #require(throws: ConfigError.self) {
            try ConfigParser(file: "t.yaml").parse("hooks:\n  on_transition: \(path)\n")
        }
        #expect(error.description.contains("hooks.on_transition: cannot run \(path) (\(why)"), "\(error)")
    }

    @Test func noHooksSectionMeansNoHook() throws {
        #expect(try ConfigParser(file: "t.yaml").parse("links: {}\n").hooks == HookConfig())
    }

    @Test func aRelativeHookPathIsRefusedWithItsLine() {
        #expect {
            try ConfigParser(file: "t.yaml").parse("hooks:\n  on_transition: hook.sh\n")
        } throws: { error in
            let text = "\(error)"
            return text.contains("t.yaml") && text.contains("hooks.on_transition") && text.contains("absolute")
        }
    }

    @Test func anUnknownHookKeyIsRefused() {
        #expect(throws: ConfigError.self) { try ConfigParser(file: "t.yaml").parse("hooks:\n  on_change: /bin/true\n") }
    }
}
