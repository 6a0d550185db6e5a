import HostHealthConfig
import HostHealthExposition
import HostHealthModel
import HostHealthPolicy
import TestFixtures
import Testing

/// What the budget's standing does to a verdict that asks to drain.
@Suite struct DrainBudgetTests {
    let now = Fixture.t0

    func host(_ state: HealthState, maintenance: String? = nil) -> HostHealth {
        HostHealth(state: state, capacity: 0, since: now, reasons: [], maintenance: maintenance)
    }

    func standing(_ answer: FleetStanding.Answer, unreachableFor: Double? = nil) -> FleetStanding {
        FleetStanding(
            pool: "web", answer: answer, count: PoolCount(draining: 3, slots: 3, members: 12),
            unreachableSince: unreachableFor.map { now + -$0 })
    }

    /// The wish with the outputs as shipped.
    func wish(_ host: HostHealth) -> DrainWish {
        DrainWish(host, takesOut: AgentConfig().takesOutOfService(host))
    }

    func held(_ standing: FleetStanding, _ wish: DrainWish = .automatic) -> HeldBack? {
        standing.held(wish, now: now, staticFor: 600, weight: 0.5)
    }

    @Test func onlyVerdictsThatTakeTheHostOutAskForASlot() {
        #expect(wish(host(.ok)) == .none)
        #expect(wish(host(.converging)) == .none, "a rebuild still serves")
        #expect(wish(host(.degraded)) == .automatic)
        #expect(wish(host(.failed)) == .automatic)
        #expect(wish(host(.unknown)) == .automatic)
        #expect(wish(host(.ok, maintenance: "swap")) == .maintenance)
        #expect(wish(host(.failed, maintenance: "swap")) == .maintenance)
    }

    @Test func aDeniedDrainServesAtTheFloorAndSaysWhy() {
        #expect(held(standing(.denied)) == HeldBack(reason: "drain budget of pool web exhausted (3/3 draining of 12)", weight: 0.5))
    }

    @Test func grantedAndIdleHoldNothing() {
        #expect(held(standing(.granted)) == nil)
        #expect(held(standing(.denied), .none) == nil)
    }

    @Test func maintenanceIsNeverHeldBack() {
        #expect(held(standing(.denied), .maintenance) == nil)
        #expect(held(standing(.pending, unreachableFor: 5), .maintenance) == nil)
    }

    @Test func anUnansweredAskHoldsUntilTheAnswer() {
        #expect(held(standing(.pending))?.reason == "asking pool web's drain budget")
        #expect(held(standing(.idle)) != nil)
    }

    @Test func etcdUnreachableKeepsTheLastAnswerForStaticFor() {
        #expect(held(standing(.granted, unreachableFor: 30)) == nil, "a granted drain stays")
        let denied = held(standing(.denied, unreachableFor: 30))
        #expect(denied?.reason == "drain budget of pool web exhausted (3/3 draining of 12) when last seen; etcd unreachable, the host's own verdict acts after 10m")
        #expect(held(standing(.pending, unreachableFor: 30))?.reason.contains("not known") == true)
        #expect(held(standing(.denied, unreachableFor: 600)) == nil, "after static_for the host's own verdict acts")
        #expect(standing(.denied, unreachableFor: 30).heldUntil(staticFor: 600) == now + 570)
    }

    @Test func theShownStateIsUnavailableWhileEtcdIsUnreachable() {
        #expect(standing(.granted, unreachableFor: 1).shownState == "unavailable")
        #expect(standing(.denied).shownState == "denied")
    }
}
