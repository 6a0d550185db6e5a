package import HostHealthModel
package import HostHealthPolicy
package import HostHealthConfig
package import HostHealthExposition
package import Logging
package import NIOCore

/// The agent's shared state: the readers' updates folded into one snapshot, the policy's
/// memory and the verdict every output serves. Readers push into it; servers read from it.
/// It knows no domain: each update folds itself (`ReaderUpdate`), the policy says when time
/// alone could change a verdict, and rendered output is kept with the inputs it came from.
package actor HealthEngine {
    package private(set) var config: AgentConfig
    package let agent: AgentInfo
    private var memory = HealthMemory()
    /// Every domain's latest data and its reader's status.
    private var fold: SnapshotFold
    /// The readers that run: their data is expected, and missing data fails closed.
    package var collectors: Set<Collector> { fold.collectors }
    package private(set) var report: HealthReport {
        didSet {
            if report.host != oldValue.host || report.components != oldValue.components || report.fleet != oldValue.fleet {
                verdictGeneration &+= 1
            }
        }
    }
    /// Grows whenever a verdict changes (see `report`): a key for what is rendered from it.
    private var verdictGeneration: UInt64 = 0
    /// The wall-clock offset cached output shows its times with; follows the system clock
    /// when it is stepped, not its every drift.
    private var shownOffset: Double
    /// When time alone could next change a verdict, from the last evaluation.
    private var nextChange: Timestamp?
    /// When the engine last evaluated: `/livez` and the watchdog ask whether this keeps moving.
    package private(set) var lastEvaluation: Timestamp
    private var lastFullEvaluation: Timestamp
    private let startedAt: Timestamp
    /// Monotonic time for every judgement; `wallClock` only to show times.
    let clock: @Sendable () -> Timestamp
    private let wallClock: @Sendable () -> Timestamp
    private let refreshStatistics: (@Sendable () async throws -> LinkUpdate)?
    private var refreshInFlight: Task<Void, Never>?
    let logger: Logger
    private let onTransitions: (@Sendable (_ transitions: [Transition], _ host: HostHealth) -> Void)?
    /// Called with the error windows whenever an evaluation changed them, for the state
    /// directory; must not block.
    private let onWindows: (@Sendable (_ windows: EventWindows, _ driftSince: [String: Timestamp], _ at: Timestamp, _ wall: Timestamp) -> Void)?
    /// The host's last verdict that was not `unknown`, for outputs that hold it.
    private var lastKnown: KnownVerdict?
    /// The pool's drain budget as the fleet service last had it; nil without `fleet:`.
    private var fleetStanding: FleetStanding?
    /// The `fleet:` section the agent started with (it changes only with a restart).
    private var fleet: FleetConfig?
    /// What the host's own verdict asks of the budget, and who is told when it changes.
    package private(set) var drainWish: DrainWish = .none
    private var onWish: (@Sendable (DrainWish) -> Void)?
    private var rendered = RenderCache<RenderedPart, ByteBuffer>()
    private var linkOrder = RenderCache<Collector, LinkOrder>()

    /// The JSON documents the engine serves; cached like the scrape, since load balancers ask
    /// for `/health` every second or two.
    package enum DocumentKind: Sendable, Hashable {
        case health
        case status
    }

    /// The parts of the output kept between requests.
    private enum RenderedPart: Hashable {
        /// Build info, host and component states and the domains' non-counter families.
        case state(ExpositionFormat)
        /// The sensor families, once per reading.
        case sensors(ExpositionFormat)
        case document(DocumentKind)
    }

    /// Domains whose data the state part of the scrape and the status document show; sensor
    /// families are rendered apart, once per reading.
    private static let stateDomains = Collector.allCases.filter { $0 != .sensors }

    /// Even when the policy names no deadline, judge this often: a safety net.
    static let fullEvaluationSeconds = 30.0

    /// - Parameters:
    ///   - collectors: the readers that run (their data is then expected).
    ///   - refreshStatistics: fresh link counters for a scrape.
    ///   - onTransitions: every batch of state changes with the host's verdict after them, for
    ///     the journal and the hooks; must not block.
    package init(
        config: AgentConfig, agent: AgentInfo, collectors: Set<Collector>, logger: Logger,
        clock: @escaping @Sendable () -> Timestamp = BootClock.now,
        wallClock: @escaping @Sendable () -> Timestamp = WallClock.now,
        refreshStatistics: (@Sendable () async throws -> LinkUpdate)? = nil,
        onTransitions: (@Sendable (_ transitions: [Transition], _ host: HostHealth) -> Void)? = nil,
        onWindows: (@Sendable (_ windows: EventWindows, _ driftSince: [String: Timestamp], _ at: Timestamp, _ wall: Timestamp) -> Void)? = nil
    ) {
        self.onTransitions = onTransitions
        self.onWindows = onWindows
        self.config = config
        self.agent = agent
        self.clock = clock
        self.wallClock = wallClock
        self.logger = logger
        self.refreshStatistics = refreshStatistics
        fold = SnapshotFold(collectors: collectors)
        let now = clock()
        lastEvaluation = now
        lastFullEvaluation = now
        startedAt = now
        shownOffset = wallClock() - now
        // Unknown until the first evaluation (the first reader update or heartbeat).
        report = HealthReport(
            host: HostHealth(state: .unknown, capacity: 0, since: now, reasons: ["starting"]), components: [],
            evaluatedAt: now, wallClockOffset: shownOffset)
    }

    /// How long the first verdict waits for the readers' first reads before it judges anyway.
    static let startGraceSeconds = 5.0

    /// A reader that reads at start has neither read nor failed yet, within the start grace. A
    /// verdict before its first read would judge its domain empty: required links unknown
    /// (held for `recover_after` once they arrive), arrays that were always there announced as
    /// `NewArray`. The first verdict and READY=1 wait for it.
    package var awaitingFirstReads: Bool {
        guard memory.host == nil, clock() - startedAt < Self.startGraceSeconds else { return false }
        return fold.readers.contains { $0.key.readsAtStart && $0.value.lastSuccess == nil && $0.value.errors == 0 }
    }

    /// Seconds since the last evaluation, on the engine's own clock.
    package var secondsSinceEvaluation: Double {
        clock() - lastEvaluation
    }

    package var snapshot: HostSnapshot {
        fold.snapshot
    }

    /// The kernel names of the disks now present: what the SMART runner reads.
    package var diskNames: [String] {
        fold.disks.keys.sorted()
    }

    /// Folds one reader's update in and judges again when it changed anything a verdict reads.
    package func apply(_ update: some ReaderUpdate) {
        let now = clock()
        let collector = type(of: update).collector
        let before = fold.readers[collector]
        let change = fold.apply(update, at: now)
        if let status = fold.readers[collector], let before { log(status, before: before) }
        if change == .data || (change == .status && statusCanChangeAVerdict(collector, before: before, now: now)) {
            evaluate(now: now)
        }
    }

    /// A reader's newer success alone changes no verdict while its data was fresh anyway: the
    /// last evaluation scheduled itself for when that data would turn stale (`nextChange`) and
    /// sees the newer success then. Judging at every such read cost a whole evaluation a
    /// second on a storage server with a rebuild (its array is polled every second) and ~1,400
    /// components. A first success, a changed error or availability, or data that was stale
    /// is judged at once.
    private func statusCanChangeAVerdict(_ collector: Collector, before: ReaderStatus?, now: Timestamp) -> Bool {
        // SMART is judged fresh or stale per disk, not by the reader's last success: every
        // change of its status is judged.
        let limit = collector == .smart ? nil : config.staleAfterSeconds(of: collector)
        guard let limit, let before, let after = fold.readers[collector], let last = before.lastSuccess,
              before.lastError == after.lastError, before.unavailable == after.unavailable
        else { return true }
        return now - last >= limit
    }

    /// Records that a reader could not run or read (no socket, a failed dump), and judges
    /// again: its domain ages towards unknown and shows the error.
    package func readerFailed(_ collector: Collector, _ message: String) {
        if fold.readerFailed(collector, message) >= .status { evaluate() }
    }

    /// What operators want in the log about a reader: a whole re-read (debug), and a source
    /// that is not on this host (once).
    private func log(_ status: ReaderStatus, before: ReaderStatus) {
        if status.resyncs != before.resyncs {
            logger.debug("\(status.name) read", metadata: ["seconds": "\(status.lastDurationSeconds ?? 0)"])
        }
        if let why = status.unavailable, before.unavailable == nil {
            logger.notice("\(status.name) unavailable; its domain is judged without it", metadata: ["why": "\(why)"])
        }
    }

    /// Re-judges with the clock moved on when the last evaluation said time alone could
    /// change a verdict by now (a hold running out, a window moving, data turning stale). Else
    /// the tick only proves the engine alive: an idle host with a thousand links costs next
    /// to nothing. A full evaluation every `fullEvaluationSeconds` is the safety net.
    package func tick() {
        let now = clock()
        let due = memory.host == nil || nextChange.map { now >= $0 } ?? false
        if due || now - lastFullEvaluation >= Self.fullEvaluationSeconds {
            evaluate(now: now)
        } else {
            lastEvaluation = now
        }
    }

    /// The operator's drain, when one holds.
    package var maintenance: Maintenance? { memory.maintenance }

    /// Starts (or, with nil, ends) an operator's maintenance and journals it as a host
    /// transition with a named event. The host's judged state is unchanged by it; every output
    /// shows the drain on top (agent-check `maint`, `/health` 503).
    package func setMaintenance(_ maintenance: Maintenance?, by who: String) {
        let previous = memory.maintenance
        guard previous != maintenance else { return }
        memory.maintenance = maintenance
        evaluate()
        let reason = if let maintenance {
            "maintenance on by \(who): \(maintenance.reason)"
        } else {
            "maintenance off by \(who)" + (previous.map { " (was: \($0.reason))" } ?? "")
        }
        let state = report.host.state
        let transition = Transition(
            component: nil, name: "host", from: state, to: state, reason: reason, at: wallClock(),
            event: maintenance == nil ? Maintenance.endEvent : Maintenance.startEvent)
        onTransitions?([transition], report.host)
        logger.notice("maintenance \(maintenance == nil ? "off" : "on")", metadata: ["by": "\(who)", "reason": "\(maintenance?.reason ?? previous?.reason ?? "")"])
    }

    /// Restores a maintenance that held when the agent last stopped, without journaling it anew.
    /// The first evaluation takes it up; until then the starting verdict shows it.
    package func restoreMaintenance(_ maintenance: Maintenance) {
        memory.maintenance = maintenance
        report.host.maintenance = maintenance.reason
    }

    /// Restores the error windows saved before a restart (already carried onto this boot's
    /// clock); the first evaluation judges with them, so a restart forgives nothing.
    package func restoreWindows(_ windows: EventWindows) {
        memory.windows = windows
    }

    /// Restores when each drift item's tolerated deviation began (already on this boot's
    /// clock): a restart must not give a stalled replacement a new deadline.
    package func restoreDriftSince(_ since: [String: Timestamp]) {
        memory.drift.deviatingSince = since
    }

    /// The error windows as the last evaluation left them.
    package var windows: EventWindows { memory.windows }

    /// Takes a new configuration (SIGHUP); the policy's memory is kept.
    package func reload(_ config: AgentConfig) {
        self.config = config
        evaluate()
    }

    /// The `/metrics` body, with link counters refreshed by one dump shared by concurrent
    /// scrapes. Families that only change with a verdict or a domain's data come from a cache.
    /// - Parameter outputs: the journal's and the hook's own health, for the volatile part.
    package func metrics(format: ExpositionFormat, outputs: OutputStatus? = nil) async -> [ByteBuffer] {
        await refreshForScrape()
        let now = clock()
        let snapshot = fold.snapshot
        let report = self.report
        let agent = self.agent
        let state = rendered.value(.state(format), from: inputs(showing: Self.stateDomains)) {
            ByteBuffer(bytes: MetricsExposition.renderState(report: report, snapshot: snapshot, agent: agent, format: format))
        }
        let links = fold.links
        let order = linkOrder.value(.links, from: RenderInputs(data: fold.generation(of: [.links]))) { LinkOrder(links) }
        var parts = [state]
        var volatileSnapshot = snapshot
        if let sensors = snapshot.sensors {
            parts.append(rendered.value(.sensors(format), from: RenderInputs(data: fold.generation(of: [.sensors]))) {
                ByteBuffer(bytes: MetricsExposition.renderSensors(sensors, format: format))
            })
            volatileSnapshot.sensors = nil
        }
        let volatile = MetricsExposition.renderVolatile(
            snapshot: volatileSnapshot, format: format, now: now, wallClockOffset: wallClock() - now, linkOrder: order,
            outputs: outputs)
        parts.append(ByteBuffer(bytes: volatile))
        return parts
    }

    /// The `/health` status code and body, from one and the same verdict, and whether it is
    /// marked `x-envoy-degraded`.
    package func health() -> (statusCode: Int, body: ByteBuffer, envoyDegraded: Bool) {
        (config.health.statusCode(for: report.host), document(.health), config.health.envoyDegradedHeader(for: report.host))
    }

    /// The agent-check line for the current verdict.
    package func agentCheckLine() -> String {
        AgentCheckReply.line(for: report.host, config: config.agentCheck)
    }

    /// The `/health` or `/status` JSON for the current verdict.
    package func document(_ kind: DocumentKind) -> ByteBuffer {
        let report = self.report
        switch kind {
        case .health:
            return rendered.value(.document(kind), from: inputs(showing: [])) {
                ByteBuffer(bytes: HealthDocument(report: report).json())
            }
        case .status:
            let snapshot = fold.snapshot
            let now = clock()
            return rendered.value(.document(kind), from: inputs(showing: Self.stateDomains)) {
                ByteBuffer(bytes: StatusDocument(report: report, details: ComponentDetails.details(snapshot, now: now)).json())
            }
        }
    }

    /// The inputs of output that shows the verdict and `domains`' data.
    private func inputs(showing domains: [Collector]) -> RenderInputs {
        RenderInputs(verdicts: verdictGeneration, data: fold.generation(of: domains), wallClockOffset: shownOffset)
    }

    private func refreshForScrape() async {
        guard let refreshStatistics, collectors.contains(.links) else { return }
        if let running = refreshInFlight {
            await running.value
            return
        }
        let task = Task {
            do {
                self.apply(try await refreshStatistics())
            } catch {
                self.readerFailed(.links, "scrape refresh: \(error)")
            }
        }
        refreshInFlight = task
        await task.value
        refreshInFlight = nil
    }

    func evaluate(now: Timestamp? = nil) {
        let now = now ?? clock()
        lastEvaluation = now
        if awaitingFirstReads { return }
        let result = HealthPolicy(config: config).evaluate(previous: memory, snapshot: fold.snapshot, now: now)
        let windowsChanged = result.memory.windows != memory.windows
            || result.memory.drift.deviatingSince != memory.drift.deviatingSince
        memory = result.memory
        if windowsChanged { onWindows?(memory.windows, memory.drift.deviatingSince, now, wallClock()) }
        nextChange = result.nextChange
        let offset = wallClock() - now
        // The system clock was stepped: the times shown from caches must follow.
        if abs(offset - shownOffset) > 0.5 { shownOffset = offset }
        var report = result.report
        report.wallClockOffset = offset
        if report.host.state != .unknown {
            lastKnown = KnownVerdict(state: report.host.state, capacity: report.host.capacity)
        } else if config.health.holdUnknown || config.agentCheck.holdUnknown {
            report.host.lastKnown = lastKnown
        }
        nextChange = judgeOutputs(&report, now: now).map { min($0, nextChange ?? $0) } ?? nextChange
        self.report = report
        lastFullEvaluation = now
        if !result.transitions.isEmpty {
            // The journal keeps Unix time.
            onTransitions?(result.transitions.map { var wall = $0; wall.at = report.wallTime($0.at); return wall }, report.host)
        }
        for transition in result.transitions {
            logger.notice("state change", metadata: [
                "component": "\(transition.component?.description ?? "host")",
                "from": "\(transition.from?.rawValue ?? "none")",
                "to": "\(transition.to.rawValue)",
                "reason": "\(transition.reason)",
                "event": "\(transition.event ?? "")",
            ])
        }
    }

    // MARK: - Fleet

    /// Joins a drain budget: `observer` hears every change of what the verdict asks of it.
    package func joinFleet(_ fleet: FleetConfig, observer: @escaping @Sendable (DrainWish) -> Void) {
        self.fleet = fleet
        fleetStanding = FleetStanding(pool: fleet.pool, answer: .pending)
        onWish = observer
        evaluate()
    }

    /// The fleet service's latest answer to `wish`. One that granted an earlier wish does not
    /// grant a new one: the host waits for the pool's answer to that.
    package func setFleetStanding(_ standing: FleetStanding, for wish: DrainWish) {
        var standing = standing
        if wish != drainWish, standing.answer == .granted { standing.answer = .pending }
        guard standing != fleetStanding else { return }
        fleetStanding = standing
        var report = self.report
        let now = clock()
        if let until = judgeOutputs(&report, now: now) { nextChange = min(until, nextChange ?? until) }
        self.report = report
    }

    /// What the outputs make of the policy's verdict: the budget's standing, and whether the
    /// host stays in service. When the static hold ends, when it runs.
    private func judgeOutputs(_ report: inout HealthReport, now: Timestamp) -> Timestamp? {
        let takesOut = config.takesOutOfService(report.host)
        let until = judgeFleet(&report, takesOut: takesOut, now: now)
        report.host.inService = report.host.maintenance == nil && (report.host.heldBack != nil || !takesOut)
        return until
    }

    /// Puts the budget's standing on the report: what the verdict asks, and whether the
    /// budget holds it back. Tells the fleet service when the wish changed. The time the
    /// static hold ends, when it runs.
    private func judgeFleet(_ report: inout HealthReport, takesOut: Bool, now: Timestamp) -> Timestamp? {
        guard var standing = fleetStanding, let fleet else { return nil }
        let wish = DrainWish(report.host, takesOut: takesOut)
        if wish != drainWish {
            // A new wish waits for its own answer; giving one back needs none.
            if wish != .none, standing.answer == .granted || standing.answer == .idle { standing.answer = .pending }
            drainWish = wish
            fleetStanding = standing
            onWish?(wish)
        }
        let held = standing.held(wish, now: now, staticFor: fleet.staticForSeconds, weight: fleet.deniedWeight)
        let previous = self.report.host.heldBack
        if held?.reason != previous?.reason {
            if let held {
                logger.notice("fleet: verdict held back by the drain budget; serving at the floor weight", metadata: [
                    "state": "\(report.host.state.rawValue)", "reason": "\(held.reason)", "weight": "\(held.weight)",
                ])
            } else {
                logger.notice("fleet: verdict no longer held back", metadata: ["state": "\(report.host.state.rawValue)"])
            }
        }
        report.host.heldBack = held
        report.fleet = standing
        return held == nil ? nil : standing.heldUntil(staticFor: fleet.staticForSeconds)
    }

    // MARK: - Drift

    /// `GET /drift`: the last evaluation's drift against the loaded baseline; nil without one.
    package func driftDocument(all: Bool) -> DiffDocument? {
        guard let drift = report.drift, let baseline = report.baseline else { return nil }
        return DiffDocument(report: drift, baseline: baseline, wallClockOffset: report.wallClockOffset, all: all)
    }

    /// `GET /baseline/record`: a baseline of what the readers see now.
    package func recording(by: String?) -> String {
        let snapshot = fold.snapshot
        let unobserved = HealthPolicy(config: config).unobservedKinds(snapshot, now: clock())
        return BaselineWriter.yaml(
            DriftDomains.record(snapshot, by: by, at: wallClock().rfc3339, unobserved: Set(unobserved.keys)), leftOut: unobserved)
    }

    /// `GET /inventory`.
    package func inventory() -> [UInt8] {
        InventoryDocument(fold.snapshot).json()
    }
}
