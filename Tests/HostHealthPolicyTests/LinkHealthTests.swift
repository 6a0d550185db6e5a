import TestFixtures
import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
import Testing

@Suite("LinkHealth: verdicts for links from one snapshot")
struct LinkHealthTests {
    let t0 = Fixture.t0

    func verdicts(
        _ links: [String: Link], required: [RequiredLink], history: [String: CarrierHistory] = [:],
        stale: String? = nil
    ) -> [String: Verdict] {
        let health = LinkHealth(config: LinkConfig(required: required))
        let all = health.verdicts(links: links, history: history, now: t0, stale: stale)
        return Dictionary(uniqueKeysWithValues: all.map { ($0.id.key, $0) })
    }

    func history(from: UInt32, to: UInt32) -> CarrierHistory {
        var history = CarrierHistory()
        history.record(from, at: t0 + -60, window: 300)
        history.record(to, at: t0, window: 300)
        return history
    }

    @Test func requiredLinkThatIsUpWithCarrierIsOk() {
        let result = verdicts(Fixture.links(Fixture.link("eth0")), required: [Fixture.required("eth0")])
        #expect(result["eth0"]?.state == .ok)
        #expect(result["eth0"]?.reason == "")
    }

    @Test func requiredLinkThatIsDownFails() {
        let result = verdicts(
            Fixture.links(Fixture.link("eth0", operState: .down, carrier: false)), required: [Fixture.required("eth0")])
        #expect(result["eth0"]?.state == .failed)
        #expect(result["eth0"]?.reason == "required link has no carrier (operstate down)")
    }

    @Test func requiredLinkWithLowerLayerDownFails() {
        let result = verdicts(
            Fixture.links(Fixture.link("bond0", operState: .lowerLayerDown, carrier: nil)), required: [Fixture.required("bond0")])
        #expect(result["bond0"]?.state == .failed)
        #expect(result["bond0"]?.reason == "required link is lowerlayerdown")
    }

    @Test func requiredLinkWithoutCarrierFails() {
        // operstate unknown (many virtual drivers) is not down, but no carrier still fails.
        let result = verdicts(
            Fixture.links(Fixture.link("eth0", operState: .unknown, carrier: false)), required: [Fixture.required("eth0")])
        #expect(result["eth0"]?.state == .failed)
        #expect(result["eth0"]?.reason == "required link has no carrier")
    }

    @Test func requiredLinkThatIsAdministrativelyDownFails() {
        let result = verdicts(
            Fixture.links(Fixture.link("eth0", operState: .down, adminUp: false, carrier: false)), required: [Fixture.required("eth0")])
        #expect(result["eth0"]?.state == .failed)
        #expect(result["eth0"]?.reason == "required link is administratively down")
    }

    @Test func requiredLinkWithOperstateUnknownAndCarrierIsOk() {
        let result = verdicts(
            Fixture.links(Fixture.link("tun0", operState: .unknown, carrier: true)), required: [Fixture.required("tun0")])
        #expect(result["tun0"]?.state == .ok)
    }

    @Test func dormantRequiredLinkIsDegraded() {
        let result = verdicts(
            Fixture.links(Fixture.link("wlan0", operState: .dormant)), required: [Fixture.required("wlan0")])
        #expect(result["wlan0"]?.state == .degraded)
        #expect(result["wlan0"]?.reason == "required link is dormant")
    }

    @Test func requiredLinkBelowDeclaredSpeedIsDegraded() {
        let result = verdicts(
            Fixture.links(Fixture.link("eth0", speedMbps: 1000)), required: [Fixture.required("eth0", minSpeedMbps: 25000)])
        #expect(result["eth0"]?.state == .degraded)
        #expect(result["eth0"]?.reason == "speed 1000 Mb/s below declared 25000 Mb/s")
    }

    @Test func requiredLinkAtDeclaredSpeedIsOk() {
        let result = verdicts(
            Fixture.links(Fixture.link("eth0", speedMbps: 25000)), required: [Fixture.required("eth0", minSpeedMbps: 25000)])
        #expect(result["eth0"]?.state == .ok)
    }

    @Test func requiredLinkWithUnreportedSpeedAndDeclaredSpeedIsUnknown() {
        let result = verdicts(
            Fixture.links(Fixture.link("eth0", speedMbps: nil)), required: [Fixture.required("eth0", minSpeedMbps: 10000)])
        #expect(result["eth0"]?.state == .unknown)
        #expect(result["eth0"]?.reason == "speed not reported; 10000 Mb/s declared")
    }

    @Test func requiredLinkFlappingAboveTheRateIsDegraded() {
        // Default: more than 6 changes in 5 minutes.
        let result = verdicts(
            Fixture.links(Fixture.link("eth0", carrierChanges: 17)), required: [Fixture.required("eth0")],
            history: ["eth0": history(from: 10, to: 17)])
        #expect(result["eth0"]?.state == .degraded)
        #expect(result["eth0"]?.reason == "carrier flapping: 7 changes in 5m")
    }

    @Test func requiredLinkFlappingAtTheRateIsOk() {
        let result = verdicts(
            Fixture.links(Fixture.link("eth0", carrierChanges: 16)), required: [Fixture.required("eth0")],
            history: ["eth0": history(from: 10, to: 16)])
        #expect(result["eth0"]?.state == .ok)
    }

    @Test func linkThatIsNotRequiredIsOkEvenWhenDown() {
        let result = verdicts(
            Fixture.links(Fixture.link("eth1", operState: .down, adminUp: false, carrier: false)), required: [Fixture.required("eth0")])
        #expect(result["eth1"]?.state == .ok)
    }

    @Test func linkThatIsNotRequiredIsOkEvenWhenFlapping() {
        let result = verdicts(
            Fixture.links(Fixture.link("veth7", carrierChanges: 100)), required: [],
            history: ["veth7": history(from: 0, to: 100)])
        #expect(result["veth7"]?.state == .ok)
    }

    @Test func missingRequiredLinkFails() {
        let result = verdicts(Fixture.links(Fixture.link("eth1")), required: [Fixture.required("eth0")])
        #expect(result["eth0"]?.state == .failed)
        #expect(result["eth0"]?.name == "eth0")
        #expect(result["eth0"]?.reason == "required link is missing")
    }

    @Test func requiredGlobThatMatchesNoLinkFails() {
        let result = verdicts(Fixture.links(Fixture.link("eth0")), required: [Fixture.required("bond*")])
        #expect(result["bond*"]?.state == .failed)
        #expect(result["bond*"]?.reason == "no link matches required pattern 'bond*'")
    }

    @Test func requiredGlobJudgesEveryLinkItMatches() {
        let result = verdicts(
            Fixture.links(Fixture.link("eth0"), Fixture.link("eth1", operState: .down, carrier: false)),
            required: [Fixture.required("eth*")])
        #expect(result["eth0"]?.state == .ok)
        #expect(result["eth1"]?.state == .failed)
        #expect(result.count == 2)
    }

    @Test func requiredEntryWhoseLinksAnotherEntryClaimedIsNotMissing() {
        let result = verdicts(
            Fixture.links(Fixture.link("eth0")), required: [Fixture.required("eth*"), Fixture.required("eth0")])
        #expect(result.count == 1)
        #expect(result["eth0"]?.state == .ok)
    }

    @Test func staleReaderMakesRequiredLinksUnknownAndMarksTheOthersStale() {
        let result = verdicts(
            Fixture.links(Fixture.link("eth0"), Fixture.link("eth1")), required: [Fixture.required("eth0")],
            stale: "links reader stale: no good read for over 3m")
        #expect(result["eth0"]?.state == .unknown)
        #expect(result["eth0"]?.reason == "links reader stale: no good read for over 3m")
        #expect(result["eth1"]?.state == .ok)
        #expect(result["eth1"]?.reason == "")
        #expect(result["eth0"]?.stale == true)
        #expect(result["eth1"]?.stale == true)
    }

    @Test func staleReaderMakesAMissingRequiredLinkUnknownNotFailed() {
        let result = verdicts([:], required: [Fixture.required("eth0")], stale: "links reader stale for 200s")
        #expect(result["eth0"]?.state == .unknown)
        #expect(result["eth0"]?.stale == true)
    }

    @Test func componentIDOfALinkIsItsName() {
        #expect(LinkHealth.componentID("eth0").description == "link:eth0")
    }
}
