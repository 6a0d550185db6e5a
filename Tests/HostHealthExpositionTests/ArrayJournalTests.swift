import TestFixtures
import HostHealthModel
import HostHealthPolicy
import HostHealthExposition
@testable import hostctl
import Testing

@Suite("Journal and events of md arrays: md: ids and mdadm event names survive")
struct ArrayJournalTests {
    let rebuild = Transition(
        component: ComponentID(kind: .array, key: "4f1c"), name: "md0", from: .degraded, to: .converging,
        reason: "recovering onto sdd1, 0% done", at: Fixture.t0, event: "RebuildStarted")

    @Test func arrayTransitionWithItsEventRoundTrips() {
        let record = JournalRecord(sequence: 5, transition: rebuild)
        let line = record.line()
        #expect(String(decoding: line, as: UTF8.self).contains(#""component":"md:4f1c""#))
        #expect(JournalRecord(line: line.dropLast()) == record)
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
