import TestFixtures
import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
import Testing

@Suite("Arrays: the first read, when another reader was judged before it")
struct ArrayStartTests {
    @Test func arraysOfTheFirstReadAreNotNewWhenAnotherReaderWasJudgedFirst() {
        let policy = HealthPolicy(config: AgentConfig())
        // The sensors reader's first update is judged while the arrays reader has not read yet.
        let early = policy.evaluate(
            previous: HealthMemory(),
            snapshot: HostSnapshot(arrays: [], sensors: [], readers: [
                ReaderStatus(name: "arrays"), ReaderStatus(name: "sensors", lastSuccess: Fixture.t0),
            ]),
            now: Fixture.t0)
        let first = policy.evaluate(
            previous: early.memory,
            snapshot: HostSnapshot(arrays: [ArrayTimeline.raid1()], sensors: [], readers: [
                ReaderStatus(name: "arrays", lastSuccess: Fixture.t0 + 1), ReaderStatus(name: "sensors", lastSuccess: Fixture.t0),
            ]),
            now: Fixture.t0 + 1)
        #expect(first.transitions.compactMap(\.event).isEmpty)
        #expect(first.report.components.map(\.name) == ["md0"])
    }
}
