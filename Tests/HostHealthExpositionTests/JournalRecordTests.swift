import TestFixtures
import HostHealthModel
import HostHealthPolicy
import HostHealthExposition
import Testing

@Suite("JournalRecord: transitions as JSON lines of the on-disk journal")
struct JournalRecordTests {
    let t0 = Fixture.t0

    func roundTrip(_ record: JournalRecord) -> JournalRecord? {
        let line = record.line()
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().contains(UInt8(ascii: "\n")) == false, "one record, one line")
        return JournalRecord(line: line.dropLast())
    }

    @Test func componentTransitionRoundTripsExactly() {
        let record = JournalRecord(sequence: 42, transition: Transition(
            component: ComponentID(kind: .link, key: "eth0"), name: "eth0", from: .ok, to: .failed,
            reason: "required link has no carrier", at: t0 + 0.123456))
        #expect(roundTrip(record) == record)
    }

    @Test func hostTransitionFromNothingRoundTrips() {
        let record = JournalRecord(sequence: 1, transition: Transition(component: nil, name: "host", from: nil, to: .ok, reason: "", at: t0))
        #expect(roundTrip(record) == record)
    }

    @Test func anArrayIdKeepsItsKindAndKey() {
        let record = JournalRecord(sequence: 7, transition: Transition(
            component: ComponentID(kind: .array, key: "4f1c:aa"), name: "md0", from: .degraded, to: .converging,
            reason: "recovering", at: t0, event: "RebuildStarted"))
        let read = roundTrip(record)
        #expect(read == record)
        #expect(read?.transition.component?.description == "md:4f1c:aa")
    }

    @Test func newlinesQuotesAndControlCharactersInAReasonStayOnOneLine() {
        let record = JournalRecord(sequence: 3, transition: Transition(
            component: ComponentID(kind: .link, key: "a\tb"), name: "a\"b", from: .degraded, to: .ok,
            reason: "one\ttwo\nthree \\ four\r\u{1}", at: t0))
        #expect(roundTrip(record) == record)
    }

    @Test func theLineCarriesAReadableTime() {
        let line = String(decoding: JournalRecord(sequence: 1, transition: Transition(
            component: nil, name: "host", from: nil, to: .ok, reason: "", at: t0)).line(), as: UTF8.self)
        #expect(line.contains("\"time\":\"2026-11-27T21:54:00Z\""))
        #expect(line.contains("\"seq\":1"))
    }

    @Test(arguments: [
        "", "{", "{\"v\":1", "{\"at\":1795816440,\"component\":\"host\",\"name\":\"host\",\"reason\":\"\",\"seq\":1,\"to\":\"ok\"}",
        "{\"at\":1795816440,\"name\":\"host\",\"reason\":\"\",\"seq\":1,\"to\":\"fine\",\"v\":1}",
        "{\"at\":1795816440,\"name\":\"x\",\"reason\":\"\",\"seq\":1,\"to\":\"ok\",\"kind\":\"gpu\",\"key\":\"0\",\"v\":1}",
        "{\"at\":1795816440,\"name\":\"x\",\"reason\":\"\",\"seq\":1,\"to\":\"ok\",\"v\":2}",
        "\u{0}\u{0}\u{0}\u{0}",
    ])
    func anythingButAWholeKnownRecordReadsAsNothing(line: String) {
        #expect(JournalRecord(line: Array(line.utf8)) == nil)
    }

    @Test func everyPrefixOfARecordIsRejected() {
        let line = JournalRecord(sequence: 9, transition: Transition(
            component: ComponentID(kind: .link, key: "eth0"), name: "eth0", from: .ok, to: .failed, reason: "r", at: t0)).line()
        for cut in 0..<(line.count - 1) {
            #expect(JournalRecord(line: line.prefix(cut)) == nil, "a record torn after \(cut) bytes must not read")
        }
    }
}
