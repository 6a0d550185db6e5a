import HostHealthCore
import Testing

@Suite("JournalLine: transitions as lines of the on-disk journal")
struct JournalLineTests {
    let t0 = Fixture.t0

    func line(_ transition: Transition) -> Substring {
        let encoded = JournalLine.encode(transition)
        #expect(encoded.hasSuffix("\n"))
        return encoded.dropLast()
    }

    @Test func componentTransitionRoundTrips() {
        let transition = Transition(
            component: ComponentID(kind: .link, key: "eth0"), name: "eth0", from: .ok, to: .failed,
            reason: "required link has no carrier", at: t0 + 0.25)
        #expect(JournalLine.decode(line(transition)) == transition)
    }

    @Test func hostTransitionFromNothingRoundTrips() {
        let transition = Transition(component: nil, name: "host", from: nil, to: .ok, reason: "", at: t0)
        #expect(JournalLine.decode(line(transition)) == transition)
    }

    @Test func tabsNewlinesAndBackslashesInAReasonStayOnOneLine() {
        let transition = Transition(
            component: ComponentID(kind: .link, key: "a\tb"), name: "a\tb", from: .degraded, to: .ok,
            reason: "one\ttwo\nthree \\ four", at: t0)
        let encoded = line(transition)
        #expect(!encoded.contains("\n"))
        #expect(encoded.split(separator: "\t", omittingEmptySubsequences: false).count == 7)
        #expect(JournalLine.decode(encoded)?.reason == "one\ttwo\nthree \\ four")
    }

    @Test func aCarriageReturnLineFeedInAReasonIsEscaped() {
        let transition = Transition(component: nil, name: "host", from: .ok, to: .failed, reason: "a\r\nb", at: t0)
        let encoded = line(transition)
        #expect(!encoded.contains("\n") && !encoded.contains("\r") && !encoded.unicodeScalars.contains("\r"))
        #expect(JournalLine.decode(encoded)?.reason == "a\r\nb")
    }

    @Test(arguments: [
        "", "v1", "v2\t1\thost\thost\t-\tok\t", "v1\tsoon\thost\thost\t-\tok\t",
        "v1\t1\thost\thost\t-\tfine\t", "v1\t1\tdevice:x\tx\t-\tok\t", "v1\t1\thost\thost\tbad\tok\t",
        "v1\t1\thost\thost\t-\tok\tends in \\", "v1\t1\thost\thost\t-\tok\tbad \\q escape",
        "v1\t17958", "v1\t1\thost\thost\t-\tok\treason\textra",
    ])
    func tornOrForeignLinesAreSkipped(_ text: String) {
        #expect(JournalLine.decode(Substring(text)) == nil)
    }
}
