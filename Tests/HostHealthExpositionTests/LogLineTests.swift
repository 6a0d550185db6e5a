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
