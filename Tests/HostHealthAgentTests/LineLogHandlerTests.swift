import HostHealthAgent
import HostHealthModel
import Logging
import Testing

@Suite struct LineLogHandlerTests {
    let time = Timestamp(secondsSinceEpoch: 1_796_000_000)

    private func text(_ handler: LineLogHandler, _ level: Logger.Level, metadata: Logger.Metadata? = nil) -> String {
        String(decoding: handler.line(level: level, message: "link down", metadata: metadata, time: time), as: UTF8.self)
    }

    @Test func toTheJournalEachLineStartsWithItsSyslogPriority() {
        let handler = LineLogHandler(label: "t", format: .logfmt, level: .trace, priorityPrefix: true)
        #expect(text(handler, .warning) == "<4>ts=\(time.rfc3339) level=warning msg=\"link down\"\n")
        let expected: [(Logger.Level, String)] = [
            (.trace, "<7>"), (.debug, "<7>"), (.info, "<6>"), (.notice, "<5>"), (.warning, "<4>"), (.error, "<3>"), (.critical, "<2>"),
        ]
        for (level, prefix) in expected {
            #expect(text(handler, level).hasPrefix(prefix + "ts="), "\(level)")
        }
    }

    @Test func jsonToTheJournalIsPrefixedToo() {
        let handler = LineLogHandler(label: "t", format: .json, level: .info, priorityPrefix: true)
        #expect(text(handler, .error).hasPrefix("<3>{\"ts\":"))
    }

    @Test func elsewhereTheLineIsPlain() {
        let handler = LineLogHandler(label: "t", format: .logfmt, level: .info, priorityPrefix: false)
        #expect(text(handler, .critical, metadata: ["error": "bad"]) == "ts=\(time.rfc3339) level=critical msg=\"link down\" error=bad\n")
    }
}
