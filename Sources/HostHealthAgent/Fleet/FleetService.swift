internal import HostHealthConfig
internal import HostHealthModel
internal import HostHealthPolicy
internal import Logging
internal import ServiceLifecycle

/// Keeps this host's place in its pool's drain budget: registers under a lease, renews it at a
/// third of its TTL (the only requests while the host serves), and asks for a slot as soon as
/// the engine's verdict wants to drain. The engine judges with the standing it is given
/// (`HealthEngine.setFleetStanding`); this service never decides what the host serves.
final class FleetService: Service {
    private let config: FleetConfig
    private let engine: HealthEngine
    private let logger: Logger
    private let clock: @Sendable () -> Timestamp
    /// The session as it starts; the loop owns its copy.
    private let initialSession: DrainBudgetSession
    private let wakes: AsyncStream<Wake>
    private let wake: AsyncStream<Wake>.Continuation

    enum Wake: Sendable {
        case wish(DrainWish)
        case timer
    }

    init(
        config: FleetConfig, member: String, transport: any EtcdTransport, engine: HealthEngine, logger: Logger,
        clock: @escaping @Sendable () -> Timestamp = BootClock.now
    ) {
        self.config = config
        self.engine = engine
        self.logger = logger
        self.clock = clock
        initialSession = DrainBudgetSession(transport: transport, config: config, member: member)
        (wakes, wake) = AsyncStream.makeStream(of: Wake.self, bufferingPolicy: .bufferingNewest(64))
    }

    /// For the engine: a verdict that changes what the host asks of the budget. Never blocks.
    func wishChanged(_ wish: DrainWish) {
        wake.yield(.wish(wish))
    }

    func run() async throws {
        let timer = Task { [wake] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                wake.yield(.timer)
            }
        }
        defer { timer.cancel() }
        logger.info("fleet: joining the pool's drain budget", metadata: [
            "pool": "\(config.pool)", "member": "\(initialSession.member)", "max_draining": "\(config.maxDraining)",
            "etcd": "\(config.endpoints.map(\.description).joined(separator: ","))",
        ])
        var session = await cancelWhenGracefulShutdown { await self.loop() }
        wake.finish()
        do {
            try await session.leave()
            logger.info("fleet: left the pool; any slot held is free")
        } catch {
            logger.warning("fleet: could not leave the pool; the lease frees this host's keys when it runs out", metadata: [
                "error": "\(error)", "lease_ttl": "\(session.leaseTTL)s",
            ])
        }
    }

    /// Until shutdown: answers every wish and renews the lease; the session, to leave with.
    private func loop() async -> DrainBudgetSession {
        var loop = Loop(
            session: initialSession, wish: await engine.drainWish, standing: FleetStanding(pool: config.pool),
            schedule: FleetSchedule(now: clock(), leaseTTL: initialSession.leaseTTL))
        for await event in wakes {
            if Task.isCancelled { break }
            let now = clock()
            if case .wish(let wish) = event, wish != loop.wish {
                loop.wish = wish
                loop.schedule.lookNow(now)
            }
            if loop.schedule.renewDue(now: now) { await renew(&loop, now: now) }
            if loop.schedule.settleDue(now: now) { await settle(&loop, now: now) }
        }
        return loop.session
    }

    private struct Loop {
        var session: DrainBudgetSession
        var wish: DrainWish
        var standing: FleetStanding
        var schedule: FleetSchedule
    }

    private func settle(_ loop: inout Loop, now: Timestamp) async {
        let wish = loop.wish
        do {
            let (answer, count) = try await loop.session.settle(wish)
            let before = loop.standing
            loop.standing = FleetStanding(pool: config.pool, answer: answer, count: count)
            if answer == .denied {
                loop.schedule.retryLater(now: now)
            } else {
                loop.schedule.answered()
            }
            if before.answer != answer || before.unreachableSince != nil {
                logger.notice("fleet: drain budget \(answer.rawValue)", metadata: [
                    "pool": "\(config.pool)", "wish": "\(wish.rawValue)",
                    "draining": "\(count.draining)", "slots": "\(count.slots)", "members": "\(count.members)",
                ])
            }
        } catch {
            unreachable(&loop, now: now, error)
            loop.schedule.retryLater(now: now)
        }
        await engine.setFleetStanding(loop.standing, for: wish)
    }

    /// Renews the lease; a lost lease is registered anew and the pool asked again.
    private func renew(_ loop: inout Loop, now: Timestamp) async {
        let hadLease = loop.session.lease
        do {
            try await loop.session.keepAlive()
            if hadLease != nil, loop.session.lease != hadLease {
                logger.warning("fleet: etcd no longer knew this host's lease; registered anew", metadata: ["pool": "\(config.pool)"])
                loop.schedule.lookNow(now)
            }
            if loop.standing.unreachableSince != nil { loop.schedule.lookNow(now) }
        } catch {
            unreachable(&loop, now: now, error)
            if loop.schedule.settleAt == nil { loop.schedule.retryLater(now: now) }
            await engine.setFleetStanding(loop.standing, for: loop.wish)
        }
    }

    private func unreachable(_ loop: inout Loop, now: Timestamp, _ error: any Error) {
        if loop.standing.unreachableSince == nil {
            logger.warning("fleet: etcd unreachable; the last answer holds (fail static)", metadata: [
                "pool": "\(config.pool)", "error": "\(error)", "static_for": "\(TextFormat.duration(config.staticForSeconds))",
            ])
        }
        loop.standing.unreachableSince = loop.standing.unreachableSince ?? now
        loop.standing.error = "\(error)"
    }
}
