internal import HostHealthModel

/// When the fleet service talks to etcd: the lease's keep-alive at a third of its TTL, on its
/// own clock, and a look at the pool when the wish changes or a retry is due. Apart from the
/// service so the timing is tested without etcd: looking at the pool does not renew the
/// lease, so frequent looks (a denied host retrying) must never postpone a keep-alive.
struct FleetSchedule {
    let renewEvery: Double
    /// When to look at the pool again; nil while the answer stands (granted, or idle).
    private(set) var settleAt: Timestamp?
    private(set) var renewAt: Timestamp
    private(set) var retry: Double

    /// While denied or etcd is unreachable: first retry after this, doubling to `maxRetry`,
    /// each spread ±50% so a pool that lost etcd together does not come back in step.
    static let firstRetrySeconds = 1.0
    static let maxRetrySeconds = 10.0

    /// The first look at once (it registers); the first keep-alive a period later.
    init(now: Timestamp, leaseTTL: Int) {
        renewEvery = max(1, Double(leaseTTL) / 3)
        settleAt = now
        renewAt = now + renewEvery
        retry = Self.firstRetrySeconds
    }

    /// Whether a keep-alive is due at `now`; taken, it is off the schedule until the next period.
    mutating func renewDue(now: Timestamp) -> Bool {
        guard now >= renewAt else { return false }
        renewAt = now + renewEvery
        return true
    }

    /// Whether a look at the pool is due at `now` (after any keep-alive, which may ask for one).
    func settleDue(now: Timestamp) -> Bool {
        settleAt.map { now >= $0 } ?? false
    }

    /// A new wish, or an answer that may have changed (a lease registered anew): look now.
    mutating func lookNow(_ now: Timestamp) {
        settleAt = now
        retry = Self.firstRetrySeconds
    }

    /// The answer stands until the wish changes.
    mutating func answered() {
        settleAt = nil
        retry = Self.firstRetrySeconds
    }

    /// Denied, or etcd did not answer: look again later, backing off. `spread` is the jitter
    /// factor (0.5–1.5).
    mutating func retryLater(now: Timestamp, spread: Double = Double.random(in: 0.5...1.5)) {
        settleAt = now + retry * spread
        retry = min(Self.maxRetrySeconds, retry * 2)
    }
}
