/// The few etcd v3 operations the drain budget needs: a lease, keys under it, and a
/// create-if-absent transaction (the semaphore recipe). A protocol so the budget's logic is
/// tested against an in-memory etcd; `EtcdGateway` speaks it to a real one.
protocol EtcdTransport: Sendable {
    /// A new lease of `ttl` seconds; its id.
    func grantLease(ttl: Int) async throws -> Int64
    /// Renews a lease; the seconds it now has, 0 or less when etcd no longer knows it.
    func keepAlive(_ lease: Int64) async throws -> Int
    /// Ends a lease and deletes every key under it.
    func revoke(_ lease: Int64) async throws
    /// Every key starting with `prefix`.
    func range(prefix: String) async throws -> [EtcdKeyValue]
    func put(_ key: String, _ value: String, lease: Int64) async throws
    /// Writes `key` only when it does not exist (create revision 0); whether it did.
    func createIfAbsent(_ key: String, _ value: String, lease: Int64) async throws -> Bool
    func delete(_ key: String) async throws
}

struct EtcdKeyValue: Sendable, Equatable {
    var key: String
    var value: String
    /// 0 for a key under no lease.
    var lease: Int64
}

/// etcd could not be asked or refused: the budget fails static.
struct EtcdError: Error, CustomStringConvertible, Equatable {
    var description: String

    init(_ description: String) {
        self.description = description
    }

    /// etcd forgot this host's lease (it ran out while etcd was unreachable, or etcd lost its
    /// data): register anew.
    var leaseNotFound: Bool { description.contains("lease not found") }
}
