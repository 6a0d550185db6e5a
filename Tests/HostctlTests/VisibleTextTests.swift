import Foundation
@testable import hostctl
import HostHealthModel
import HostHealthExposition
import Testing

/// Strings from outside reach a terminal only as visible escapes: a link name or a reason
/// with ESC, CR, BEL or a bidi override cannot redraw the table or forge a line.
@Suite("hostctl: what came from outside is printed visibly")
struct VisibleTextTests {
    /// Erase the line, go back to its start, and draw a line of one's own.
    static let forged = "x\u{1B}[2K\rmaintenance off by root\u{07}"

    @Test func controlCharactersAndBidiOverridesBecomeVisibleEscapes() {
        #expect(TextFormat.visible(Self.forged) == "x\\x1b[2K\\x0dmaintenance off by root\\x07")
        #expect(TextFormat.visible("evil\u{202E}txt.exe") == "evil\\u{202e}txt.exe")
        #expect(TextFormat.visible("nul\u{0}del\u{7F}csi\u{9B}") == "nul\\x00del\\x7fcsi\\x9b")
        #expect(TextFormat.visible("eth0 — café, tab-free") == "eth0 — café, tab-free")
    }

    @Test func theStatusTableEscapesNamesReasonsAndTheMaintenance() {
        let document = StatusDocument(
            host: StatusDocument.Host(state: .failed, capacity: 0, since: "2026-11-27T21:54:00Z", maintenance: Self.forged,
                                      reasons: [Self.forged]),
            components: [StatusDocument.Component(kind: "link", id: "link:\(Self.forged)", name: Self.forged, state: .failed,
                                                  reason: Self.forged, stale: false)])
        let table = StatusTable(color: false).render(document)
        #expect(!table.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(table.contains("x\\x1b[2K\\x0dmaintenance off by root\\x07"))
    }

    @Test func theEventsTableEscapesToo() throws {
        let json = #"{"events":[{"time":"2026-11-27T21:54:00Z","component":"link:x\u001b[2K","name":"x\u001b[2K","from":"ok","to":"failed","reason":"r\u0007","event":"E\r"}]}"#
        let document = try JSONDecoder().decode(EventsDocument.self, from: Data(json.utf8))
        let table = EventsTable().render(document)
        #expect(!table.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(table.contains("link:x\\x1b[2K"))
    }

    @Test func aNagiosLineCarriesNoControlCharacter() {
        let document = StatusDocument(
            host: StatusDocument.Host(state: .ok, capacity: 1, since: "2026-11-27T21:54:00Z", maintenance: Self.forged, reasons: []),
            components: [])
        let line = MonitoringCheck.nagios(document).output
        #expect(!line.dropLast().unicodeScalars.contains { $0.value < 0x20 })
    }

    @Test func anAgentsPlainAnswerKeepsItsLinesAndLosesItsControls() {
        #expect(visibleLines("maintenance on: \u{1B}[31mred\nsecond\n") == "maintenance on: \\x1b[31mred\nsecond\n")
    }
}
