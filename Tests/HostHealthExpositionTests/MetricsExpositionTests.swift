import TestFixtures
import Foundation
import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
import HostHealthExposition
import Testing

@Suite("Metrics exposition: Prometheus text 0.0.4 and OpenMetrics 1.0")
struct MetricsExpositionTests {
    func written(_ format: ExpositionFormat, _ write: (inout MetricsWriter) -> Void) -> String {
        var writer = MetricsWriter(format: format)
        write(&writer)
        return String(decoding: writer.finish(), as: UTF8.self)
    }

    func sampleLine(_ value: Double) -> String {
        written(.text) { $0.sample("hosthealth_test", [:], value) }
    }

    // MARK: - Escaping

    @Test func labelValueEscapesBackslashQuoteAndNewline() {
        let body = written(.text) { $0.sample("hosthealth_test", ["path": "C:\\dir \"x\"\nnext"], 1) }
        #expect(body == #"hosthealth_test{path="C:\\dir \"x\"\nnext"} 1"# + "\n")
    }

    @Test func preEncodedLabelSetEscapesTheSame() {
        let labels = MetricsWriter.labelSet(["link": "a\\b\"c\nd", "kind": "veth"])
        #expect(String(decoding: labels, as: UTF8.self) == #"{link="a\\b\"c\nd",kind="veth"}"#)
    }

    @Test func labelsAreWrittenInTheOrderGiven() {
        let body = written(.text) { $0.sample("hosthealth_test", ["z": "1", "a": "2"], 1) }
        #expect(body == "hosthealth_test{z=\"1\",a=\"2\"} 1\n")
    }

    @Test func textHelpEscapesBackslashAndNewlineButNotQuotes() {
        let body = written(.text) { $0.family("hosthealth_test", .gauge, help: "a \\ b\nc \"d\"") }
        #expect(body == "# HELP hosthealth_test a \\\\ b\\nc \"d\"\n# TYPE hosthealth_test gauge\n")
    }

    @Test func openMetricsHelpEscapesQuotesToo() {
        // OpenMetrics 1.0 HELP is an escaped-string: backslash, newline and double quote.
        let body = written(.openMetrics) { $0.family("hosthealth_test", .gauge, help: "say \"hi\"") }
        #expect(body.hasPrefix("# HELP hosthealth_test say \\\"hi\\\"\n"))
    }

    // MARK: - Family declarations per format

    @Test func textDeclaresCountersWithTheirTotalName() {
        let body = written(.text) { $0.family("hosthealth_test_events_total", .counter, help: "Events.") }
        #expect(body == "# HELP hosthealth_test_events_total Events.\n# TYPE hosthealth_test_events_total counter\n")
    }

    @Test func openMetricsDeclaresCountersWithoutTotal() {
        let body = written(.openMetrics) { $0.family("hosthealth_test_events_total", .counter, help: "Events.") }
        #expect(body.hasPrefix("# HELP hosthealth_test_events Events.\n# TYPE hosthealth_test_events counter\n"))
    }

    @Test func textDeclaresInfoFamiliesAsGauges() {
        let body = written(.text) { $0.family("hosthealth_build_info", .info, help: "Build.") }
        #expect(body == "# HELP hosthealth_build_info Build.\n# TYPE hosthealth_build_info gauge\n")
    }

    @Test func openMetricsDeclaresInfoFamiliesAsInfoWithoutSuffix() {
        let body = written(.openMetrics) { $0.family("hosthealth_build_info", .info, help: "Build.") }
        #expect(body.hasPrefix("# HELP hosthealth_build Build.\n# TYPE hosthealth_build info\n"))
    }

    @Test func openMetricsBodyEndsWithEOF() {
        let body = written(.openMetrics) { $0.sample("hosthealth_test", [:], 1) }
        #expect(body == "hosthealth_test 1\n# EOF\n")
    }

    @Test func textBodyHasNoEOF() {
        let body = written(.text) { $0.sample("hosthealth_test", [:], 1) }
        #expect(body == "hosthealth_test 1\n")
    }

    @Test func openMetricsIsChosenWhenAcceptNamesIt() {
        let format = ExpositionFormat(accept: "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
        #expect(format == .openMetrics)
        #expect(format.contentType == "application/openmetrics-text; version=1.0.0; charset=utf-8")
    }

    @Test(arguments: [nil, "", "text/plain", "*/*"] as [String?])
    func textIsTheDefaultFormat(_ accept: String?) {
        let format = ExpositionFormat(accept: accept)
        #expect(format == .text)
        #expect(format.contentType == "text/plain; version=0.0.4; charset=utf-8")
    }

    // MARK: - Numbers

    @Test func zeroIsWrittenAsZero() {
        #expect(sampleLine(0) == "hosthealth_test 0\n")
    }

    @Test func wholeNumbersHaveNoFraction() {
        #expect(sampleLine(1_795_816_440) == "hosthealth_test 1795816440\n")
    }

    @Test func negativeWholeNumbersKeepTheirSign() {
        #expect(sampleLine(-3) == "hosthealth_test -3\n")
    }

    @Test func fractionsAreWrittenInFull() {
        #expect(sampleLine(0.0042) == "hosthealth_test 0.0042\n")
    }

    @Test func positiveInfinityIsPlusInf() {
        #expect(sampleLine(.infinity) == "hosthealth_test +Inf\n")
    }

    @Test func negativeInfinityIsMinusInf() {
        #expect(sampleLine(-.infinity) == "hosthealth_test -Inf\n")
    }

    @Test func notANumberIsNaN() {
        #expect(sampleLine(.nan) == "hosthealth_test NaN\n")
    }

    @Test func integerSampleOfZeroIsZero() {
        let labels = MetricsWriter.labelSet(["link": "eth0"])
        let body = written(.text) { $0.sample("hosthealth_test_total", encodedLabels: labels, UInt64(0)) }
        #expect(body == "hosthealth_test_total{link=\"eth0\"} 0\n")
    }

    @Test func integerSampleOfUInt64MaxIsExact() {
        let labels = MetricsWriter.labelSet(["link": "eth0"])
        let body = written(.text) { $0.sample("hosthealth_test_total", encodedLabels: labels, UInt64.max) }
        #expect(body == "hosthealth_test_total{link=\"eth0\"} 18446744073709551615\n")
    }

    // MARK: - The whole body

    @Test func hostStateIsAStateSetWithExactlyOneSet() {
        let lines = Scrape.render(.text).sampleLines.filter { $0.hasPrefix("hosthealth_host_state{") }
        #expect(lines.count == HealthState.allCases.count)
        #expect(lines.filter { $0.hasSuffix(" 1") } == ["hosthealth_host_state{state=\"failed\"} 1"])
    }

    @Test func everyComponentHasOneStateSeriesPerState() {
        let scrape = Scrape.render(.text)
        let lines = scrape.sampleLines.filter { $0.hasPrefix("hosthealth_component_state{") }
        #expect(lines.count == scrape.report.components.count * HealthState.allCases.count)
        #expect(lines.contains("hosthealth_component_state{kind=\"link\",id=\"link:bond0\",state=\"degraded\"} 1"))
    }

    @Test func componentsShownButNotCountedAreMarkedIgnoredAndOnlyThey() throws {
        var report = Scrape.report
        let index = try #require(report.components.firstIndex { $0.id.description == "link:bond0" })
        #expect(!report.components[index].ignored)
        report.components[index].ignored = true
        let body = String(decoding: MetricsExposition.render(
            report: report, snapshot: Scrape.snapshot, agent: AgentInfo(version: "0.1.0"), format: .text, now: Scrape.now), as: UTF8.self)
        let lines = body.split(separator: "\n").filter { $0.hasPrefix("hosthealth_component_ignored{") }
        #expect(lines.contains("hosthealth_component_ignored{kind=\"link\",id=\"link:bond0\"} 1"))
        // One series per ignored component (the fixture's unlabelled board and firmware
        // sensors among them), none for the counted ones.
        #expect(lines.count == report.components.count(where: \.ignored))
        #expect(!lines.contains { $0.contains("link:eth0") })
    }

    @Test func linkSpeedIsExposedInBytesPerSecond() {
        let lines = Scrape.render(.text).sampleLines
        #expect(lines.contains("hosthealth_link_speed_bytes_per_second{link=\"eth0\"} 3125000000"))
    }

    @Test func readerThatNeverSucceededHasInfiniteAge() {
        let lines = Scrape.render(.text).sampleLines
        #expect(lines.contains("hosthealth_reader_age_seconds{reader=\"sensors\"} +Inf"))
        #expect(lines.contains("hosthealth_reader_last_success_timestamp_seconds{reader=\"sensors\"} 0"))
    }

    @Test func skippedInputIsCountedPerReason() {
        let lines = Scrape.render(.text).sampleLines
        #expect(lines.contains("hosthealth_reader_skipped_total{reader=\"links\",reason=\"truncated\"} 2"))
        #expect(lines.contains("hosthealth_reader_skipped_total{reader=\"links\",reason=\"unknown_attribute\"} 17"))
    }

    @Test(arguments: [ExpositionFormat.text, .openMetrics])
    func noSeriesIsWrittenTwice(_ format: ExpositionFormat) {
        let series = Scrape.render(format).sampleLines.map { $0.split(separator: " ", maxSplits: 1)[0] }
        #expect(Set(series).count == series.count)
    }

    @Test(arguments: [ExpositionFormat.text, .openMetrics])
    func everyFamilyHasOneHelpAndOneType(_ format: ExpositionFormat) {
        let lines = Scrape.render(format).lines
        for keyword in ["# HELP ", "# TYPE "] {
            let families = lines.filter { $0.hasPrefix(keyword) }.map { $0.split(separator: " ")[2] }
            #expect(Set(families).count == families.count, "\(keyword)repeated")
        }
        #expect(lines.count { $0.hasPrefix("# HELP ") } == lines.count { $0.hasPrefix("# TYPE ") })
    }

    @Test(arguments: [ExpositionFormat.text, .openMetrics])
    func samplesCarryNoTimestamps(_ format: ExpositionFormat) {
        for line in Scrape.render(format).sampleLines {
            // What follows the name and labels must be one value, with no timestamp after it.
            let rest = line.lastIndex(of: "}").map { line[$0...].dropFirst() } ?? line.drop { $0 != " " }
            #expect(rest.split(separator: " ").count == 1, "\(line)")
        }
    }

    /// The real peer: the text body passes `promtool check metrics` with no findings, and the
    /// OpenMetrics body of the same scrape ends with `# EOF` with every sample under its family.
    @Test func realisticScrapePassesPromtoolAndIsWellFormedOpenMetrics() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("hosthealth-scrape-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let textFile = directory.appendingPathComponent("metrics.prom")
        let openMetricsFile = directory.appendingPathComponent("metrics.om")
        try Data(Scrape.render(.text).body.utf8).write(to: textFile)
        try Data(Scrape.render(.openMetrics).body.utf8).write(to: openMetricsFile)

        let promtool = Process()
        promtool.executableURL = URL(fileURLWithPath: "/usr/bin/promtool")
        promtool.arguments = ["check", "metrics"]
        promtool.standardInput = try FileHandle(forReadingFrom: textFile)
        let output = Pipe()
        promtool.standardOutput = output
        promtool.standardError = output
        try promtool.run()
        let findings = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        promtool.waitUntilExit()
        #expect(promtool.terminationStatus == 0, "promtool: \(findings)")
        #expect(findings.isEmpty, "promtool: \(findings)")

        let openMetrics = try String(decoding: Data(contentsOf: openMetricsFile), as: UTF8.self)
        #expect(openMetrics.hasSuffix("\n# EOF\n"))
        #expect(Self.openMetricsStructureProblems(openMetrics) == [])
    }

    /// Every sample must follow a `# TYPE` line of its own family (`_total` for counters, `_info`
    /// for info), each family is declared once, and `# EOF` is the last line and only there.
    static func openMetricsStructureProblems(_ body: String) -> [String] {
        var problems: [String] = []
        let lines = body.split(separator: "\n")
        if lines.last != "# EOF" { problems.append("last line is not # EOF") }
        var declared = Set<Substring>()
        var current: (family: Substring, type: Substring)?
        for line in lines.dropLast() {
            if line == "# EOF" { problems.append("# EOF before the end") }
            if line.hasPrefix("# TYPE ") {
                let words = line.split(separator: " ")
                current = (words[2], words[3])
                if !declared.insert(words[2]).inserted { problems.append("TYPE of \(words[2]) twice") }
                continue
            }
            if line.hasPrefix("#") { continue }
            let name = line.prefix { $0 != "{" && $0 != " " }
            guard let family = current else {
                problems.append("sample before any TYPE: \(line)")
                continue
            }
            let expected: Substring = switch family.type {
            case "counter": family.family + "_total"
            case "info": family.family + "_info"
            default: family.family
            }
            if name != expected { problems.append("\(line) under # TYPE \(family.family) \(family.type)") }
        }
        return problems
    }
}

/// A realistic scrape: a bonded 25G host with a veth, loopback, a failed required link and two
/// readers, one of which never succeeded.
enum Scrape {
    static let now = Fixture.t0

    static let snapshot = HostSnapshot(
        links: Fixture.links(
            Link(
                index: 2, name: "eth0", kind: "physical", operState: .up, adminUp: true, carrier: true,
                carrierChanges: 4, carrierUpCount: 2, carrierDownCount: 2, mtu: 9000,
                address: "52:54:00:12:34:56", permanentAddress: "52:54:00:12:34:56",
                statistics: LinkStatistics(
                    receiveBytes: 987_654_321_000, transmitBytes: 123_456_789_000, receivePackets: 700_000_000,
                    transmitPackets: 600_000_000, receiveErrors: 3, transmitErrors: 0, receiveDrops: 12, transmitDrops: 1),
                speedMbps: 25_000, duplex: .full),
            Link(
                index: 5, name: "bond0", kind: "bond", operState: .up, adminUp: true, carrier: true,
                carrierChanges: 2, carrierUpCount: 1, carrierDownCount: 1, mtu: 9000,
                address: "52:54:00:ab:cd:ef", statistics: LinkStatistics(receiveBytes: 1, transmitBytes: UInt64.max),
                speedMbps: 25_000, duplex: .full),
            Link(
                index: 9, name: "veth-a1b2.100", kind: "veth", operState: .lowerLayerDown, adminUp: true, carrier: false,
                carrierChanges: 1, carrierUpCount: 0, carrierDownCount: 1, mtu: 1500, address: "ee:11:22:33:44:55",
                statistics: LinkStatistics()),
            Link(
                index: 1, name: "lo", kind: "loopback", operState: .unknown, adminUp: true, carrier: true,
                carrierChanges: 0, carrierUpCount: 0, carrierDownCount: 0, mtu: 65_536,
                address: "00:00:00:00:00:00", statistics: LinkStatistics(receiveBytes: 4096, transmitBytes: 4096))),
        arrays: ArrayExpositionTests.arrays,
        sensors: SensorExpositionTests.sensors,
        readers: [
            ReaderStatus(
                name: "links", lastSuccess: now + -2, lastDurationSeconds: 0.0042, errors: 1,
                lastError: "netlink: ENOBUFS", events: 1234, resyncs: 3,
                skipped: ["unknown_attribute": 17, "truncated": 2]),
            ReaderStatus(name: "sensors", errors: 5, lastError: "no hwmon devices"),
        ])

    static let report = HealthPolicy(config: AgentConfig(links: LinkConfig(required: [
        Fixture.required("eth0", minSpeedMbps: 25_000), Fixture.required("bond*", minSpeedMbps: 50_000),
        Fixture.required("ib0"),
    ]))).evaluate(previous: HealthMemory(), snapshot: snapshot, now: now).report

    struct Rendered {
        var body: String
        var report: HealthReport
        var lines: [Substring] { body.split(separator: "\n") }
        var sampleLines: [Substring] { lines.filter { !$0.hasPrefix("#") } }
    }

    static func render(_ format: ExpositionFormat) -> Rendered {
        let bytes = MetricsExposition.render(
            report: report, snapshot: snapshot, agent: AgentInfo(version: "0.1.0"), format: format, now: now)
        return Rendered(body: String(decoding: bytes, as: UTF8.self), report: report)
    }
}
