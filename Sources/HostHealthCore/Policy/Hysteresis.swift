/// What hysteresis remembers of one component between evaluations.
public struct HysteresisMemory: Sendable, Equatable {
    public var current: ComponentHealth
    /// A better state seen since `pendingSince`, not yet held long enough to be taken.
    public var pendingState: HealthState?
    public var pendingSince: Timestamp?

    public init(current: ComponentHealth, pendingState: HealthState? = nil, pendingSince: Timestamp? = nil) {
        self.current = current
        self.pendingState = pendingState
        self.pendingSince = pendingSince
    }
}

/// A worse state is taken at once; a better one only after it has held for `recoverAfter`
/// seconds, so a flapping signal cannot bounce a host in and out of a load balancer.
public struct Hysteresis: Sendable {
    public var recoverAfterSeconds: Double

    public init(recoverAfterSeconds: Double) {
        self.recoverAfterSeconds = recoverAfterSeconds
    }

    /// Folds a fresh verdict into what was remembered. Returns the new memory and the state it
    /// left, when it changed (nil `from` for a component seen for the first time).
    public func apply(
        _ verdict: Verdict, to memory: HysteresisMemory?, now: Timestamp
    ) -> (memory: HysteresisMemory, changedFrom: HealthState??) {
        func health(since: Timestamp) -> ComponentHealth {
            ComponentHealth(
                id: verdict.id, name: verdict.name, state: verdict.state, reason: verdict.reason,
                since: since, progress: verdict.progress, etaSeconds: verdict.etaSeconds, stale: verdict.stale)
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
        if verdict.state > current.state {
            return (HysteresisMemory(current: health(since: now)), .some(current.state))
        }
        // Better than now: wait until it has held.
        if memory.pendingState != verdict.state {
            memory.pendingState = verdict.state
            memory.pendingSince = now
        }
        if let since = memory.pendingSince, now - since >= recoverAfterSeconds {
            return (HysteresisMemory(current: health(since: now)), .some(current.state))
        }
        memory.current.stale = verdict.stale
        return (memory, nil)
    }
}
