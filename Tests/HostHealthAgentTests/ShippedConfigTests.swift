import Foundation
import HostHealthAgent
import HostHealthConfig
import HostHealthModel
import Testing

/// `packaging/hosthealth.yaml` is the conffile the .deb installs: as shipped it must change
/// nothing, and with its settings uncommented it must state exactly the built-in defaults, so
/// the documented defaults cannot drift from the code and name no key the parser refuses.
@Suite struct ShippedConfigTests {
    static let path = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("packaging/hosthealth.yaml").path

    /// Drops `##` prose and removes the leading `# ` of every commented setting.
    static func uncommented(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).compactMap { line -> Substring? in
            if line.hasPrefix("##") { return nil }
            if line.hasPrefix("# ") { return line.dropFirst(2) }
            if line == "#" { return "" }
            return line
        }.joined(separator: "\n")
    }

    @Test func shippedFileAsInstalledMeansBuiltInDefaults() throws {
        #expect(try ConfigLoader(path: Self.path).load() == AgentConfig())
    }

    @Test func shippedFileUncommentedStatesTheBuiltInDefaults() throws {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        let settings = Self.uncommented(text)
        #expect(settings.contains("links:"), "the uncommented file should show the links section")
        #expect(try ConfigParser(file: Self.path).parse(settings) == AgentConfig())
    }

    /// The keys the parser accepts at the top (`section` nil) or in a section, read off its
    /// refusal of a key it does not know, so a section or key added to the parser shows here.
    static func acceptedKeys(in section: String?) -> [String] {
        let probe = section.map { "\($0):\n  not_a_setting: 1\n" } ?? "not_a_setting: 1\n"
        do {
            _ = try ConfigParser(file: "probe").parse(probe)
            return []
        } catch {
            guard let list = error.reason.split(separator: "expected one of: ").last else { return [] }
            return list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    /// The uncommented file's sections: top-level key → the keys indented under it.
    static func sections(_ settings: String) -> [String: [String]] {
        var result: [String: [String]] = [:]
        var current: String?
        for line in settings.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).hasPrefix("#") {
            if !line.hasPrefix(" "), let colon = line.firstIndex(of: ":") {
                current = String(line[..<colon])
                result[current!, default: []] = []
            } else if let current, line.hasPrefix("  "), !line.hasPrefix("   "), let colon = line.firstIndex(of: ":") {
                result[current, default: []].append(line[..<colon].trimmingCharacters(in: .whitespaces))
            }
        }
        return result
    }

    @Test func shippedFileShowsEverySettingTheParserAccepts() throws {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        let shown = Self.sections(Self.uncommented(text))
        let topLevel = Self.acceptedKeys(in: nil)
        #expect(!topLevel.isEmpty, "the parser's refusal no longer lists the keys it accepts")
        var missing: [String] = []
        for section in topLevel {
            guard let keys = shown[section] else {
                missing.append(section)
                continue
            }
            missing += Self.acceptedKeys(in: section).filter { !keys.contains($0) }.map { "\(section).\($0)" }
        }
        #expect(missing.isEmpty, "packaging/hosthealth.yaml does not show these settings with their defaults: \(missing.joined(separator: ", "))")
    }

    @Test func shippedFileHasNoSettingLeftUncommented() throws {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        let live = text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.allSatisfy(\.isWhitespace) }
        #expect(live.isEmpty, "settings outside comments change the defaults: \(live)")
    }

    /// Values of every shape the sections take; each key accepts at least one of them.
    static let candidates = [
        "7s", "7d", "7", "0.25", "true", "false", "[eth9]", "[\"chip-*/temp9\"]", "/usr/bin/true", "product",
        "{max_changes: 7}", "{max_errors: 7}", "{degraded: 429}", "{link: {ignore: true}}",
        "{\"link:eth1\": {ignore: true}}", "7/7d", "{for: 7s}", "7%", "[https://etcd9:2379]", "hold",
        "{insecure_skip_verify: true}",
    ]

    /// Settings a section needs before any other of its keys means anything: each key is
    /// probed beside them (in place of its own line, for these keys themselves).
    static let companions: [String: [String: String]] = [
        "fleet": ["etcd": "[https://127.0.0.1:2379]", "pool": "web"]
    ]

    /// The section with `key` set to `value`, beside its companions.
    static func probe(_ section: String, _ key: String?, _ value: String) -> String {
        var lines = (companions[section] ?? [:]).sorted { $0.key < $1.key }.filter { $0.key != key }.map { "  \($0.key): \($0.value)\n" }
        if let key { lines.append("  \(key): \(value)\n") }
        return "\(section):\n" + lines.joined()
    }

    /// Each section's keys come from one table: every key the parser accepts must also be
    /// applied, so some ordinary value of it changes the parsed configuration. A key accepted
    /// and then ignored fails here.
    @Test func everyAcceptedKeyChangesTheConfiguration() {
        let sections = Self.acceptedKeys(in: nil)
        #expect(sections.count >= 9, "sections: \(sections)")
        var ignored: [String] = []
        for section in sections {
            let keys = Self.acceptedKeys(in: section)
            #expect(!keys.isEmpty, "\(section) lists no keys")
            let baseline = Self.companions[section] == nil ? AgentConfig() : (try? ConfigParser(file: "probe").parse(Self.probe(section, nil, "")))
            #expect(baseline != nil, "\(section)'s companions are refused: \(Self.probe(section, nil, ""))")
            ignored += keys.filter { key in
                !Self.candidates.contains { value in
                    (try? ConfigParser(file: "probe").parse(Self.probe(section, key, value))).map { $0 != baseline } ?? false
                }
            }.map { "\(section).\($0)" }
        }
        #expect(ignored.isEmpty, "accepted but no value changes the configuration: \(ignored)")
    }
}
