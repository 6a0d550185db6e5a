package import HostHealthModel

/// What this host asks of its pool's drain budget. A worse verdict that takes the host out of
/// service (agent-check `drain` or `down`, `/health` 503) needs a slot first; an operator's
/// maintenance is break-glass, always honoured, but it takes a slot too so the automatic drains
/// see it.
package enum DrainWish: String, Sendable, Equatable {
    case none
    case automatic
    case maintenance

    /// From the host's own verdict, before the budget.
    /// - Parameter takesOut: whether the outputs, as configured, take the host out of service
    ///   for its verdict (a `degraded` sent as a weight does not).
    package init(_ host: HostHealth, takesOut: Bool) {
        self = host.maintenance != nil ? .maintenance : takesOut ? .automatic : .none
    }
}

/// The pool as one look at etcd saw it.
package struct PoolCount: Sendable, Equatable {
    /// Hosts holding a slot, and hosts in maintenance that found none free (they count).
    package var draining: Int
    /// What `max_draining` allows for `members`.
    package var slots: Int
    /// Live members: registered under a lease that has not run out.
    package var members: Int

    package init(draining: Int, slots: Int, members: Int) {
        self.draining = draining
        self.slots = slots
        self.members = members
    }
}

/// The pool's last answer to this host, and whether etcd answers now. The fleet service keeps
/// it; the engine judges with it (`held(_:now:)`), so every output acts on one standing.
package struct FleetStanding: Sendable, Equatable {
    package enum Answer: String, Sendable, Equatable {
        /// Nothing is asked: the host serves on its own verdict.
        case idle
        /// A slot is held: the host acts on its verdict.
        case granted
        /// Every slot is taken: the host keeps serving at the floor weight.
        case denied
        /// Asked, not yet answered (the first look after a worse verdict).
        case pending
    }

    package var pool: String
    package var answer: Answer
    /// The pool as last seen; nil before the first look.
    package var count: PoolCount?
    /// Since when etcd has not answered; nil while it does.
    package var unreachableSince: Timestamp?
    /// Why it did not, for the reason and the log.
    package var error: String?

    package init(pool: String, answer: Answer = .idle, count: PoolCount? = nil, unreachableSince: Timestamp? = nil, error: String? = nil) {
        self.pool = pool
        self.answer = answer
        self.count = count
        self.unreachableSince = unreachableSince
        self.error = error
    }

    /// The state `hosthealth_fleet_budget` shows: `unavailable` wins while etcd does not answer.
    package var shownState: String {
        unreachableSince != nil ? "unavailable" : answer.rawValue
    }
}

/// A worse verdict the budget holds back: the host keeps serving at `weight`, and says why.
package struct HeldBack: Sendable, Equatable {
    package var reason: String
    package var weight: Double

    package init(reason: String, weight: Double) {
        self.reason = reason
        self.weight = weight
    }
}

extension FleetStanding {
    /// Whether the host must keep serving although its verdict asks to drain: never for
    /// maintenance or a granted slot; while denied or not yet answered, yes. With etcd
    /// unreachable the last answer holds (fail static) until `staticFor` has passed since it
    /// stopped answering; then the host's own verdict acts.
    package func held(_ wish: DrainWish, now: Timestamp, staticFor: Double, weight: Double) -> HeldBack? {
        guard wish == .automatic, answer != .granted else { return nil }
        let counted = count.map { " (\($0.draining)/\($0.slots) draining of \($0.members))" } ?? ""
        guard let since = unreachableSince else {
            return answer == .denied
                ? HeldBack(reason: "drain budget of pool \(pool) exhausted\(counted)", weight: weight)
                : HeldBack(reason: "asking pool \(pool)'s drain budget", weight: weight)
        }
        guard now - since < staticFor else { return nil }
        let what = answer == .denied ? "exhausted\(counted) when last seen" : "not known"
        return HeldBack(
            reason: "drain budget of pool \(pool) \(what); etcd unreachable, the host's own verdict acts after \(TextFormat.duration(staticFor))",
            weight: weight)
    }

    /// When `held` could next change with the clock alone: the end of the static hold.
    package func heldUntil(staticFor: Double) -> Timestamp? {
        unreachableSince.map { $0 + staticFor }
    }
}
