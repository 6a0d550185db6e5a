import HostHealthExposition
import Testing

@Suite struct LogLineTests {
    let line = LogLine(fields: [("ts", "2026-11-27T21:54:00Z"), ("level", "info"), ("msg", "link \"eth0\" down\n"), ("link", "eth0")])

    @Test func jsonIsOneObjectOfStringsInFieldOrder() {
        #expect(String(decoding: line.json(), as: UTF8.self)
            == #"{"ts":"2026-11-27T21:54:00Z","level":"info","msg":"link \"eth0\" down\n","link":"eth0"}"# + "\n")
    }

    @Test func logfmtQuotesOnlyValuesThatNeedIt() {
        #expect(String(decoding: line.logfmt(), as: UTF8.self)
            == #"ts=2026-11-27T21:54:00Z level=info msg="link \"eth0\" down\n" link=eth0"# + "\n")
    }

    @Test func logfmtQuotesAnEmptyValue() {
        #expect(String(decoding: LogLine(fields: [("reason", "")]).logfmt(), as: UTF8.self) == "reason=\"\"\n")
    }
}

@Suite struct LogLineControlCharacterTests {
    @Test(arguments: ["a\rb", "a\u{1b}[2Jb", "a\tb", "a\u{7f}b", "a\u{0}b"])
    func logfmtQuotesAValueWithAControlCharacter(value: String) {
        let text = String(decoding: LogLine(fields: [("name", value)]).logfmt(), as: UTF8.self)
        #expect(text.hasPrefix("name=\""))
        // Nothing below 0x20 is written raw: one line, no terminal escape.
        #expect(!text.dropLast().utf8.contains(where: { $0 < 0x20 }))
    }
}
