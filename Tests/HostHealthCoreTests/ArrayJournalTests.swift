import HostHealthCore
import Testing

@Suite("Journal and events of md arrays: md: ids and mdadm event names survive")
struct ArrayJournalTests {
    let rebuild = Transition(
        component: ComponentID(kind: .array, key: "4f1c"), name: "md0", from: .degraded, to: .converging,
        reason: "recovering onto sdd1, 0% done", at: Fixture.t0, event: "RebuildStarted")

    @Test func arrayTransitionWithItsEventRoundTrips() {
        let encoded = JournalLine.encode(rebuild)
        #expect(encoded.contains("\tmd:4f1c\t"))
        #expect(JournalLine.decode(encoded.dropLast()) == rebuild)
    }

    @Test func eventsDocumentCarriesTheEventName() {
        let json = String(decoding: EventsDocument([rebuild]).json(), as: UTF8.self)
        #expect(json.contains(#""event":"RebuildStarted""#))
    }

    @Test func eventsTableShowsTheEventBeforeTheReason() {
        let table = EventsTable().render(EventsDocument([rebuild]))
        #expect(table.contains("RebuildStarted: recovering onto sdd1, 0% done"))
    }
}

extension ArrayJournalTests {
    @Test func transitionWithoutAnEventStaysAVersionOneLine() {
        var plain = rebuild
        plain.event = nil
        #expect(JournalLine.encode(plain).hasPrefix("v1\t"))
        #expect(JournalLine.encode(rebuild).hasPrefix("v2\t"))
    }
}
