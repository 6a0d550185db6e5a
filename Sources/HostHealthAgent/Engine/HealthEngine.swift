public import HostHealthCore
public import LinkReader
public import Logging

/// The agent's shared state: the latest snapshot from every reader, the policy's memory and the
/// verdict every output serves. Readers push into it; servers read from it.
public actor HealthEngine {
    public private(set) var config: AgentConfig
    public let agent: AgentInfo
    private var memory = HealthMemory()
    private var links: [String: Link]?
    /// Link name by ifindex, to notice renames (a new name on a known index).
    private var linkNames: [Int32: String] = [:]
    private var linkReader: ReaderStatus?
    public private(set) var report: HealthReport
    /// When the engine last evaluated: `/livez` and the watchdog ask whether this keeps moving.
    public private(set) var lastEvaluation: Timestamp
    private let clock: @Sendable () -> Timestamp
    private let refreshLinks: (@Sendable () async throws -> LinkUpdate)?
    private var refreshInFlight: Task<Void, Never>?
    private let logger: Logger

    /// - Parameters:
    ///   - linksEnabled: whether the link collector runs (its data is then expected).
    ///   - refreshLinks: a fresh dump for a scrape (cheap counters are current at every scrape).
    public init(
        config: AgentConfig, agent: AgentInfo, linksEnabled: Bool, logger: Logger,
        clock: @escaping @Sendable () -> Timestamp = WallClock.now,
        refreshLinks: (@Sendable () async throws -> LinkUpdate)? = nil
    ) {
        self.config = config
        self.agent = agent
        self.clock = clock
        self.logger = logger
        self.refreshLinks = refreshLinks
        let now = clock()
        if linksEnabled {
            links = [:]
            linkReader = ReaderStatus(name: "links")
        }
        lastEvaluation = now
        // Unknown until the first evaluation (the first reader update or heartbeat).
        report = HealthReport(host: HostHealth(state: .unknown, capacity: 0, since: now, reasons: ["starting"]), components: [], evaluatedAt: now)
    }

    /// Seconds since the last evaluation, on the engine's own clock.
    public var secondsSinceEvaluation: Double {
        clock() - lastEvaluation
    }

    public var snapshot: HostSnapshot {
        HostSnapshot(links: links, readers: [linkReader].compactMap { $0 })
    }

    /// Applies a batch from the link reader and judges again.
    public func apply(_ update: LinkUpdate) {
        let now = clock()
        guard var reader = linkReader else { return }
        switch update.scope {
        case .all:
            var fresh: [String: Link] = [:]
            fresh.reserveCapacity(update.messages.count)
            for case .link(let link) in update.messages { fresh[link.name] = link }
            links = fresh
            linkNames = Dictionary(fresh.values.map { ($0.index, $0.name) }, uniquingKeysWith: { $1 })
            reader.resyncs += update.cause == "scrape" ? 0 : 1
        case .changes:
            var current = links ?? [:]
            for message in update.messages {
                switch message {
                case .link(let link):
                    // A rename arrives as a new name on a known index: drop the old name.
                    if let old = linkNames[link.index], old != link.name {
                        current[old] = nil
                    }
                    linkNames[link.index] = link.name
                    current[link.name] = link
                case .removed(let index, let name):
                    current[name] = nil
                    linkNames[index] = nil
                }
            }
            links = current
        }
        reader.events += UInt64(update.events)
        for (reason, count) in update.skipped { reader.skipped[reason, default: 0] += count }
        if update.skipped["dump_failed"] != nil {
            reader.errors += 1
        } else if update.scope == .all || update.events > 0 {
            reader.lastSuccess = now
            reader.lastError = nil
        }
        if let duration = update.durationSeconds { reader.lastDurationSeconds = duration }
        linkReader = reader
        evaluate(now: now)
    }

    /// Records that the link reader could not run at all (e.g. no netlink socket).
    public func linkReaderFailed(_ message: String) {
        linkReader?.errors += 1
        linkReader?.lastError = message
        evaluate()
    }

    /// Re-judges with the clock moved on: hysteresis hold times and staleness advance even
    /// when nothing else happens.
    public func tick() {
        evaluate()
    }

    /// Takes a new configuration (SIGHUP); the policy's memory is kept.
    public func reload(_ config: AgentConfig) {
        self.config = config
        evaluate()
    }

    /// The `/metrics` body, with link counters refreshed by one dump shared by concurrent
    /// scrapes.
    public func metrics(format: ExpositionFormat) async -> [UInt8] {
        await refreshForScrape()
        let now = clock()
        return MetricsExposition.render(report: report, snapshot: snapshot, agent: agent, format: format, now: now)
    }

    private func refreshForScrape() async {
        guard let refreshLinks, linkReader != nil else { return }
        if let running = refreshInFlight {
            await running.value
            return
        }
        let task = Task {
            do {
                let update = try await refreshLinks()
                self.apply(update)
            } catch {
                self.linkReaderFailed("scrape refresh: \(error)")
            }
        }
        refreshInFlight = task
        await task.value
        refreshInFlight = nil
    }

    private func evaluate(now: Timestamp? = nil) {
        let now = now ?? clock()
        let result = HealthPolicy(config: config).evaluate(previous: memory, snapshot: snapshot, now: now)
        memory = result.memory
        report = result.report
        lastEvaluation = now
        for transition in result.transitions {
            logger.notice("state change", metadata: [
                "component": "\(transition.component?.description ?? "host")",
                "from": "\(transition.from?.rawValue ?? "none")",
                "to": "\(transition.to.rawValue)",
                "reason": "\(transition.reason)",
            ])
        }
    }
}
