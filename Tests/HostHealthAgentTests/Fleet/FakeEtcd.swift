@testable import HostHealthAgent
import HostHealthModel

/// An etcd in memory for the budget's tests: leases that run out on the test's clock, keys
/// deleted with their lease, create-if-absent as one step, and an outage at will.
actor FakeEtcd: EtcdTransport {
    private let clock: TestClock
    private var leases: [Int64: (ttl: Int, expires: Timestamp)] = [:]
    private var keys: [String: EtcdKeyValue] = [:]
    private var nextLease: Int64 = 7_000
    /// Every request fails while set, as when etcd is stopped.
    var down = false
    private(set) var requests = 0

    init(clock: TestClock) {
        self.clock = clock
    }

    func setDown(_ value: Bool) { down = value }

    /// What a range over everything shows now.
    func snapshot() -> [String: String] {
        expire()
        return keys.mapValues(\.value)
    }

    private func enter() throws {
        requests += 1
        if down { throw EtcdError("connection refused") }
        expire()
    }

    private func expire() {
        let now = clock.now
        for (id, lease) in leases where lease.expires <= now {
            leases[id] = nil
            keys = keys.filter { $0.value.lease != id }
        }
    }

    private func check(_ lease: Int64) throws {
        guard lease == 0 || leases[lease] != nil else { throw EtcdError("etcdserver: requested lease not found") }
    }

    func grantLease(ttl: Int) async throws -> Int64 {
        try enter()
        nextLease += 1
        leases[nextLease] = (ttl, clock.now + Double(ttl))
        return nextLease
    }

    func keepAlive(_ lease: Int64) async throws -> Int {
        try enter()
        guard let entry = leases[lease] else { return 0 }
        leases[lease] = (entry.ttl, clock.now + Double(entry.ttl))
        return entry.ttl
    }

    func revoke(_ lease: Int64) async throws {
        try enter()
        try check(lease)
        leases[lease] = nil
        keys = keys.filter { $0.value.lease != lease }
    }

    func range(prefix: String) async throws -> [EtcdKeyValue] {
        try enter()
        return keys.values.filter { $0.key.hasPrefix(prefix) }.sorted { $0.key < $1.key }
    }

    func put(_ key: String, _ value: String, lease: Int64) async throws {
        try enter()
        try check(lease)
        keys[key] = EtcdKeyValue(key: key, value: value, lease: lease)
    }

    func createIfAbsent(_ key: String, _ value: String, lease: Int64) async throws -> Bool {
        try enter()
        try check(lease)
        guard keys[key] == nil else { return false }
        keys[key] = EtcdKeyValue(key: key, value: value, lease: lease)
        return true
    }

    func delete(_ key: String) async throws {
        try enter()
        keys[key] = nil
    }

    /// Another client takes `key` between a host's look and its transaction.
    func occupy(_ key: String, by value: String) {
        keys[key] = EtcdKeyValue(key: key, value: value, lease: 0)
    }
}
