import Foundation
import HostHealthAgent
import HostHealthCore
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

    @Test func shippedFileHasNoSettingLeftUncommented() throws {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        let live = text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.allSatisfy(\.isWhitespace) }
        #expect(live.isEmpty, "settings outside comments change the defaults: \(live)")
    }
}
