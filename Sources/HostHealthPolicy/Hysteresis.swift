package import HostHealthModel
internal import HostHealthConfig

/// What hysteresis remembers of one component between evaluations.
package struct HysteresisMemory: Sendable, Equatable {
    package var current: ComponentHealth
    /// A better state seen since `pendingSince`, not yet held long enough to be taken.
    package var pendingState: HealthState?
    package var pendingSince: Timestamp?

    package init(current: ComponentHealth, pendingState: HealthState? = nil, pendingSince: Timestamp? = nil) {
        self.current = current
        self.pendingState = pendingState
        self.pendingSince = pendingSince
    }
}

/// A better state is taken only after it has held for `recoverAfter` seconds, so a flapping
/// signal cannot bounce a host in and out of a load balancer. A worse state is taken at once,
/// or after `worsenAfter` (the config's `for:`) for noisy signals such as a temperature.
package struct Hysteresis: Sendable, Equatable {
    package var recoverAfterSeconds: Double
    package var worsenAfterSeconds: Double

    package init(recoverAfterSeconds: Double, worsenAfterSeconds: Double = 0) {
        self.recoverAfterSeconds = recoverAfterSeconds
        self.worsenAfterSeconds = worsenAfterSeconds
    }

    /// Folds a fresh verdict into what was remembered. Returns the new memory and the state it
    /// left, when it changed (nil `from` for a component seen for the first time).
    package func apply(
        _ verdict: Verdict, to memory: HysteresisMemory?, now: Timestamp
    ) -> (memory: HysteresisMemory, changedFrom: HealthState??) {
        func health(since: Timestamp) -> ComponentHealth {
            ComponentHealth(
                id: verdict.id, name: verdict.name, state: verdict.state, reason: verdict.reason,
                since: since, progress: verdict.progress, etaSeconds: verdict.etaSeconds, stale: verdict.stale,
                convergingCapacity: verdict.capacity)
        }
        guard var memory else {
            return (HysteresisMemory(current: health(since: now)), .some(nil))
        }
        let current = memory.current
        if verdict.state == current.state {
            memory.current = health(since: current.since)
            memory.pendingState = nil
            memory.pendingSince = nil
            return (memory, nil)
        }
        let hold = verdict.state > current.state ? worsenAfterSeconds : recoverAfterSeconds
        if hold <= 0 {
            return (HysteresisMemory(current: health(since: now)), .some(current.state))
        }
        // Wait until the new state has held.
        if memory.pendingState != verdict.state {
            memory.pendingState = verdict.state
            memory.pendingSince = now
        }
        if let since = memory.pendingSince, now - since >= hold {
            return (HysteresisMemory(current: health(since: now)), .some(current.state))
        }
        memory.current.stale = verdict.stale
        return (memory, nil)
    }
}
