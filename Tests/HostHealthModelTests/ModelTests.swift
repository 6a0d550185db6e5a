import TestFixtures
import HostHealthModel

import Testing

@Suite("Model: states, identities, kernel values")
struct ModelTests {
    @Test func statesRankOkConvergingDegradedUnknownFailed() {
        #expect(HealthState.allCases.sorted() == [.ok, .converging, .degraded, .unknown, .failed])
    }

    @Test func stateNamesAreTheContractWords() {
        #expect(HealthState.allCases.map(\.rawValue) == ["ok", "converging", "degraded", "failed", "unknown"])
    }

    @Test(arguments: [
        (HealthState.ok, 1.0), (.converging, 0.5), (.degraded, 0), (.failed, 0), (.unknown, 0),
    ] as [(HealthState, Double)])
    func componentCapacityFollowsItsState(_ state: HealthState, _ capacity: Double) {
        let component = ComponentHealth(
            id: ComponentID(kind: .link, key: "eth0"), name: "eth0", state: state, reason: "", since: Fixture.t0)
        #expect(component.capacity == capacity)
    }

    @Test func componentIDReadsKindColonKey() {
        #expect(ComponentID(kind: .array, key: "4f1c").description == "md:4f1c")
    }

    @Test func componentIDsSortByKindThenKey() {
        let ids = [
            ComponentID(kind: .link, key: "eth1"), ComponentID(kind: .array, key: "b"),
            ComponentID(kind: .link, key: "eth0"),
        ]
        #expect(ids.sorted().map(\.description) == ["md:b", "link:eth0", "link:eth1"])
    }

    @Test(arguments: [
        (UInt8(0), OperState.unknown), (1, .notPresent), (2, .down), (3, .lowerLayerDown), (4, .testing),
        (5, .dormant), (6, .up), (7, .unknown), (255, .unknown),
    ] as [(UInt8, OperState)])
    func operstateFollowsTheKernelValue(_ value: UInt8, _ state: OperState) {
        #expect(OperState(kernelValue: value) == state)
    }

    @Test func readerAgeIsSecondsSinceLastSuccess() {
        let reader = ReaderStatus(name: "links", lastSuccess: Fixture.t0)
        #expect(reader.age(at: Fixture.t0 + 42) == 42)
    }

    @Test func readerAgeIsNeverNegative() {
        let reader = ReaderStatus(name: "links", lastSuccess: Fixture.t0 + 5)
        #expect(reader.age(at: Fixture.t0) == 0)
    }

    @Test func readerThatNeverSucceededHasNoAge() {
        #expect(ReaderStatus(name: "links").age(at: Fixture.t0) == nil)
    }

    @Test func snapshotFindsAReaderByName() {
        let snapshot = HostSnapshot(readers: [ReaderStatus(name: "links", errors: 2), ReaderStatus(name: "sensors")])
        #expect(snapshot.reader("links")?.errors == 2)
        #expect(snapshot.reader("smart") == nil)
    }
}
