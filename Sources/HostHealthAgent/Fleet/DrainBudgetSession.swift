internal import HostHealthConfig
internal import HostHealthModel
internal import HostHealthPolicy

/// One host's part in its pool's drain budget, over any `EtcdTransport`.
///
/// The host registers as a member under a lease (`…/members/NAME`), so a share of the pool
/// follows its live size and a host that dies leaves with its lease. Draining takes a slot key
/// `…/slots/I` for I below the allowed count, created only if absent in one transaction: two
/// hosts can never hold the same slot, and the pool never holds more than `max_draining`
/// automatic drains. An operator's maintenance is always honoured: it takes a free slot, or
/// when none is free registers under `…/maintenance/NAME`, which the automatic drains count.
struct DrainBudgetSession {
    let transport: any EtcdTransport
    let member: String
    let limit: FleetConfig.DrainLimit
    let leaseTTL: Int
    /// `PREFIX/pools/POOL/`.
    let poolPrefix: String
    /// What the member key holds: the labels, for whoever reads the pool.
    let memberValue: String
    private(set) var lease: Int64?

    init(transport: any EtcdTransport, config: FleetConfig, member: String) {
        self.transport = transport
        self.member = member
        limit = config.maxDraining
        leaseTTL = max(2, Int(config.leaseTTLSeconds.rounded()))
        let prefix = config.keyPrefix.hasSuffix("/") ? String(config.keyPrefix.dropLast()) : config.keyPrefix
        poolPrefix = "\(prefix)/pools/\(config.pool)/"
        var labels: [String] = []
        if let zone = config.zone { labels.append("zone=\(zone)") }
        if let rack = config.rack { labels.append("rack=\(rack)") }
        memberValue = labels.joined(separator: ",")
    }

    var memberKey: String { poolPrefix + "members/" + member }
    var maintenanceKey: String { poolPrefix + "maintenance/" + member }
    func slotKey(_ index: Int) -> String { poolPrefix + "slots/\(index)" }

    /// A lease and the member key under it, when there is none yet (first start, or etcd
    /// forgot the lease while unreachable past its TTL).
    mutating func register() async throws {
        if lease != nil { return }
        let granted = try await transport.grantLease(ttl: leaseTTL)
        try await transport.put(memberKey, memberValue, lease: granted)
        lease = granted
    }

    /// Renews the lease; when etcd no longer knows it, registers anew (slots held under it are
    /// gone with it: the next `settle` asks again).
    mutating func keepAlive() async throws {
        guard let lease else { return try await register() }
        if try await transport.keepAlive(lease) <= 0 {
            self.lease = nil
            try await register()
        }
    }

    /// Leaves the pool at once (shutdown): the lease and every key under it go.
    mutating func leave() async throws {
        guard let lease else { return }
        self.lease = nil
        try await transport.revoke(lease)
    }

    /// Looks at the pool and takes or gives back what `wish` needs: a slot for a drain, nothing
    /// when the host serves. The answer and the pool as seen after.
    mutating func settle(_ wish: DrainWish) async throws -> (FleetStanding.Answer, PoolCount) {
        do {
            return try await settleOnce(wish)
        } catch let error as EtcdError where error.leaseNotFound {
            // Gone with every key under it: register and ask again, once.
            lease = nil
            return try await settleOnce(wish)
        }
    }

    private mutating func settleOnce(_ wish: DrainWish) async throws -> (FleetStanding.Answer, PoolCount) {
        try await register()
        guard let lease else { throw EtcdError("no lease") }
        var pool = try await look()
        switch wish {
        case .none:
            for index in pool.mine {
                try await transport.delete(slotKey(index))
            }
            if pool.maintenanceMine { try await transport.delete(maintenanceKey) }
            pool.releaseAll()
            return (.idle, pool.count(limit))
        case .automatic, .maintenance:
            if wish == .automatic, pool.maintenanceMine {
                try await transport.delete(maintenanceKey)
                pool.leaveMaintenance()
            }
            if !pool.mine.isEmpty { return (.granted, pool.count(limit)) }
            // Maintenance in the maintenance list already counts; automatic drains leave room
            // for every maintenance that holds no slot.
            let allowed = limit.slots(members: pool.members)
            let usable = wish == .maintenance ? allowed : allowed - pool.maintenanceOnly
            // Slots above the limit stay held when the pool shrinks: they count, so no free
            // index below it is taken while the pool is at its budget.
            let full = pool.taken.count + (wish == .maintenance ? 0 : pool.maintenanceOnly) >= allowed
            for index in 0..<max(0, usable) where !full && !pool.taken.contains(index) {
                if try await transport.createIfAbsent(slotKey(index), member, lease: lease) {
                    if pool.maintenanceMine {
                        try await transport.delete(maintenanceKey)
                        pool.leaveMaintenance()
                    }
                    pool.taken.insert(index)
                    pool.mine.insert(index)
                    return (.granted, pool.count(limit))
                }
                // Another host took it between the look and the transaction.
                pool.taken.insert(index)
            }
            guard wish == .maintenance else { return (.denied, pool.count(limit)) }
            if !pool.maintenanceMine {
                try await transport.put(maintenanceKey, member, lease: lease)
                pool.maintenanceOnly += 1
                pool.maintenanceMine = true
            }
            return (.granted, pool.count(limit))
        }
    }

    /// The pool's keys read at once.
    private func look() async throws -> PoolView {
        var view = PoolView()
        for entry in try await transport.range(prefix: poolPrefix) {
            let name = entry.key.dropFirst(poolPrefix.count)
            if name.hasPrefix("members/") {
                view.members += 1
                if name.dropFirst("members/".count) == member { view.registered = true }
            } else if name.hasPrefix("slots/"), let index = Int(name.dropFirst("slots/".count)) {
                view.taken.insert(index)
                if entry.value == member { view.mine.insert(index) }
            } else if name.hasPrefix("maintenance/") {
                if name.dropFirst("maintenance/".count) == member { view.maintenanceMine = true }
                view.maintenanceOnly += 1
            }
        }
        // This host counts itself even before its member key shows (a put racing the read).
        if !view.registered { view.members += 1 }
        return view
    }

    private struct PoolView {
        var members = 0
        var registered = false
        var taken: Set<Int> = []
        var mine: Set<Int> = []
        var maintenanceOnly = 0
        var maintenanceMine = false

        /// This host's slots and maintenance entry given back.
        mutating func releaseAll() {
            taken.subtract(mine)
            mine = []
            leaveMaintenance()
        }

        mutating func leaveMaintenance() {
            guard maintenanceMine else { return }
            maintenanceOnly -= 1
            maintenanceMine = false
        }

        func count(_ limit: FleetConfig.DrainLimit) -> PoolCount {
            PoolCount(draining: taken.count + maintenanceOnly, slots: limit.slots(members: members), members: members)
        }
    }
}
