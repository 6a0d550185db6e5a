import TestFixtures
import HostHealthModel
import HostHealthPolicy
import Testing

@Suite("Hysteresis: worse at once, better only after it has held")
struct HysteresisTests {
    let t0 = Fixture.t0
    let hysteresis = Hysteresis(recoverAfterSeconds: 10)
    let id = ComponentID(kind: .link, key: "eth0")

    func verdict(_ state: HealthState, _ reason: String = "") -> Verdict {
        Verdict(id: id, name: "eth0", state: state, reason: reason)
    }

    /// Applies verdicts in order, each at its own time, and returns the last result.
    func run(_ steps: [(HealthState, Double)]) -> (memory: HysteresisMemory, changedFrom: HealthState??) {
        var memory: HysteresisMemory?
        var last: (memory: HysteresisMemory, changedFrom: HealthState??)?
        for (state, offset) in steps {
            let result = hysteresis.apply(verdict(state), to: memory, now: t0 + offset)
            memory = result.memory
            last = result
        }
        return last!
    }

    @Test func firstVerdictIsTakenAtOnceAsNew() {
        let result = hysteresis.apply(verdict(.failed), to: nil, now: t0)
        #expect(result.memory.current.state == .failed)
        #expect(result.memory.current.since == t0)
        #expect(result.changedFrom == .some(nil))
    }

    @Test func worseStateIsTakenAtOnce() {
        let result = run([(.ok, 0), (.failed, 5)])
        #expect(result.memory.current.state == .failed)
        #expect(result.memory.current.since == t0 + 5)
        #expect(result.changedFrom == .some(.ok))
    }

    @Test func worseStateWithForIsTakenOnlyAfterItHeld() {
        let noisy = Hysteresis(recoverAfterSeconds: 10, worsenAfterSeconds: 30)
        var memory = noisy.apply(verdict(.ok), to: nil, now: t0).memory
        memory = noisy.apply(verdict(.degraded, "hot"), to: memory, now: t0 + 1).memory
        #expect(memory.current.state == .ok)
        memory = noisy.apply(verdict(.degraded, "hot"), to: memory, now: t0 + 30).memory
        #expect(memory.current.state == .ok)
        let taken = noisy.apply(verdict(.degraded, "hot"), to: memory, now: t0 + 31)
        #expect(taken.memory.current.state == .degraded)
        #expect(taken.changedFrom == .some(.ok))
    }

    @Test func worseStateWithForThatDropsBackStartsItsHoldAgain() {
        let noisy = Hysteresis(recoverAfterSeconds: 10, worsenAfterSeconds: 30)
        var memory = noisy.apply(verdict(.ok), to: nil, now: t0).memory
        memory = noisy.apply(verdict(.degraded), to: memory, now: t0 + 1).memory
        memory = noisy.apply(verdict(.ok), to: memory, now: t0 + 20).memory
        memory = noisy.apply(verdict(.degraded), to: memory, now: t0 + 25).memory
        #expect(noisy.apply(verdict(.degraded), to: memory, now: t0 + 40).memory.current.state == .ok)
        #expect(noisy.apply(verdict(.degraded), to: memory, now: t0 + 55).memory.current.state == .degraded)
    }

    @Test func betterStateIsNotTakenBeforeRecoverAfter() {
        let result = run([(.failed, 0), (.ok, 5), (.ok, 14)])
        #expect(result.memory.current.state == .failed)
        #expect(result.changedFrom == nil)
    }

    @Test func betterStateIsTakenWhenItHasHeldForRecoverAfter() {
        let result = run([(.failed, 0), (.ok, 5), (.ok, 15)])
        #expect(result.memory.current.state == .ok)
        #expect(result.memory.current.since == t0 + 15)
        #expect(result.changedFrom == .some(.failed))
    }

    @Test func pendingRecoveryIsRemembered() {
        let result = run([(.failed, 0), (.ok, 5)])
        #expect(result.memory.pendingState == .ok)
        #expect(result.memory.pendingSince == t0 + 5)
    }

    @Test func pendingRecoveryKeepsTheCurrentReason() {
        let failed = hysteresis.apply(verdict(.failed, "required link has no carrier"), to: nil, now: t0)
        let pending = hysteresis.apply(verdict(.ok), to: failed.memory, now: t0 + 1)
        #expect(pending.memory.current.reason == "required link has no carrier")
    }

    @Test func relapseRestartsTheRecoveryWait() {
        let result = run([(.failed, 0), (.ok, 5), (.failed, 8), (.ok, 10), (.ok, 19)])
        #expect(result.memory.current.state == .failed)
    }

    @Test func recoveryAfterRelapseIsTakenOnceItHasHeldAgain() {
        let result = run([(.failed, 0), (.ok, 5), (.failed, 8), (.ok, 10), (.ok, 20)])
        #expect(result.memory.current.state == .ok)
    }

    @Test func relapseToTheCurrentStateIsNoChange() {
        let result = run([(.failed, 0), (.ok, 5), (.failed, 8)])
        #expect(result.changedFrom == nil)
        #expect(result.memory.current.since == t0)
        #expect(result.memory.pendingState == nil)
    }

    @Test func zeroRecoverAfterTakesABetterStateAtOnce() {
        let immediate = Hysteresis(recoverAfterSeconds: 0)
        let failed = immediate.apply(verdict(.failed), to: nil, now: t0)
        let result = immediate.apply(verdict(.ok), to: failed.memory, now: t0 + 1)
        #expect(result.memory.current.state == .ok)
        #expect(result.changedFrom == .some(.failed))
    }

    @Test func sameStateKeepsSinceAndTakesTheNewReason() {
        let first = hysteresis.apply(verdict(.degraded, "speed 1000 Mb/s below declared 10000 Mb/s"), to: nil, now: t0)
        let second = hysteresis.apply(verdict(.degraded, "speed 100 Mb/s below declared 10000 Mb/s"), to: first.memory, now: t0 + 30)
        #expect(second.memory.current.since == t0)
        #expect(second.memory.current.reason == "speed 100 Mb/s below declared 10000 Mb/s")
        #expect(second.changedFrom == nil)
    }

    @Test func worseStateDuringPendingRecoveryIsTakenAtOnce() {
        let result = run([(.degraded, 0), (.ok, 5), (.failed, 6)])
        #expect(result.memory.current.state == .failed)
        #expect(result.changedFrom == .some(.degraded))
    }
}
