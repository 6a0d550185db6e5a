internal import DiskReader
package import HostHealthModel
package import HostHealthPolicy
package import HostHealthConfig
package import HostHealthExposition
package import LinkReader
package import MDReader
package import Logging
package import NIOCore
package import SensorReader

/// The agent's shared state: the latest snapshot from every reader, the policy's memory and the
/// verdict every output serves. Readers push into it; servers read from it.
package actor HealthEngine {
    package private(set) var config: AgentConfig
    package let agent: AgentInfo
    private var memory = HealthMemory()
    /// The readers that run: their data is expected, and missing data fails closed.
    package let collectors: Set<Collector>
    private var linksEnabled: Bool { collectors.contains(.links) }
    private var links: [String: Link] = [:]
    /// Link name by ifindex: counters arrive by index, and a rename is a new name on a known
    /// index.
    private var linkNames: [Int32: String] = [:]
    private var linkReader: ReaderStatus
    private var arraysEnabled: Bool { collectors.contains(.arrays) }
    /// md arrays by kernel name, and the same sorted by name for the snapshot.
    private var arrays: [String: MDArray] = [:]
    private var arrayList: [MDArray] = []
    private var arrayReader = ReaderStatus(name: "arrays")
    private var sensorsEnabled: Bool { collectors.contains(.sensors) }
    /// The latest sensor reading; shown by the volatile part of the scrape, so a new reading
    /// does not invalidate the cached state part unless a verdict changes.
    private var sensors: [Sensor] = []
    private var sensorReader = ReaderStatus(name: "sensors")
    /// Bumped with every reading: keys the rendered sensor families, so scrapes between two
    /// readings reuse them and a scrape after a reading shows it.
    private var sensorVersion: UInt64 = 0
    private var sensorCache: [ExpositionFormat: (version: UInt64, bytes: ByteBuffer)] = [:]
    package private(set) var report: HealthReport
    /// When the engine last evaluated: `/livez` and the watchdog ask whether this keeps moving.
    package private(set) var lastEvaluation: Timestamp
    private var lastFullEvaluation: Timestamp
    private let startedAt: Timestamp
    private var previousOffset: Double = 0
    /// Monotonic time for every judgement; `wallClock` only to show times.
    let clock: @Sendable () -> Timestamp
    private let wallClock: @Sendable () -> Timestamp
    private let refreshStatistics: (@Sendable () async throws -> LinkUpdate)?
    private var refreshInFlight: Task<Void, Never>?
    let logger: Logger
    private let onTransitions: (@Sendable (_ transitions: [Transition], _ host: HostHealth) -> Void)?
    /// Bumped whenever anything but traffic counters changes; keys the cached state part of
    /// the scrape, so a scrape re-renders only what moves between scrapes.
    var stateVersion: UInt64 = 0
    private var stateCache: [ExpositionFormat: (version: UInt64, bytes: ByteBuffer)] = [:]
    private var documentCache: [DocumentKind: (version: UInt64, bytes: ByteBuffer)] = [:]
    private var linkOrderCache: (version: UInt64, order: LinkOrder)?
    // Disks, SMART and the kernel log: see HealthEngine+Disks.swift.
    var disks: [String: Disk] = [:]
    var diskReader = ReaderStatus(name: "disks")
    var smart: [String: SmartObservation] = [:]
    var smartReader = ReaderStatus(name: "smart")
    var kernelDiskErrors = KernelDiskErrors()
    var kmsgReader = ReaderStatus(name: "kmsg")

    /// The JSON documents the engine serves; cached like the scrape, since load balancers ask
    /// for `/health` every second or two.
    package enum DocumentKind: Sendable, Hashable {
        case health
        case status
    }

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
        onTransitions: (@Sendable (_ transitions: [Transition], _ host: HostHealth) -> Void)? = nil
    ) {
        self.onTransitions = onTransitions
        self.config = config
        self.agent = agent
        self.clock = clock
        self.wallClock = wallClock
        self.logger = logger
        self.refreshStatistics = refreshStatistics
        self.collectors = collectors
        self.linkReader = ReaderStatus(name: "links")
        let now = clock()
        lastEvaluation = now
        lastFullEvaluation = now
        startedAt = now
        // Unknown until the first evaluation (the first reader update or heartbeat).
        report = HealthReport(
            host: HostHealth(state: .unknown, capacity: 0, since: now, reasons: ["starting"]), components: [],
            evaluatedAt: now, wallClockOffset: wallClock() - now)
    }

    /// How long the first verdict waits for the readers' first reads before it judges anyway.
    static let startGraceSeconds = 5.0

    /// A reader that reads at start has neither read nor failed yet, within the start grace. A
    /// verdict before its first read would judge its domain empty: required links unknown
    /// (held for `recover_after` once they arrive), arrays that were always there announced as
    /// `NewArray`. The first verdict and READY=1 wait for it.
    package var awaitingFirstReads: Bool {
        guard memory.host == nil, clock() - startedAt < Self.startGraceSeconds else { return false }
        let waitedFor = Set(collectors.filter(\.readsAtStart).map(\.rawValue))
        return snapshot.readers.contains { waitedFor.contains($0.name) && $0.lastSuccess == nil && $0.errors == 0 }
    }

    /// Seconds since the last evaluation, on the engine's own clock.
    package var secondsSinceEvaluation: Double {
        clock() - lastEvaluation
    }

    package var snapshot: HostSnapshot {
        var snapshot = HostSnapshot()
        if linksEnabled {
            snapshot.links = links
            snapshot.readers.append(linkReader)
        }
        if arraysEnabled {
            snapshot.arrays = arrayList
            snapshot.readers.append(arrayReader)
        }
        if sensorsEnabled {
            snapshot.sensors = sensors
            snapshot.readers.append(sensorReader)
        }
        addDisks(to: &snapshot)
        return snapshot
    }

    /// Applies a batch from the link reader; judges again unless only counters moved.
    package func apply(_ update: LinkUpdate) {
        guard linksEnabled else { return }
        let now = clock()
        switch update.scope {
        case .all:
            links.removeAll(keepingCapacity: true)
            linkNames.removeAll(keepingCapacity: true)
            for case .link(let link) in update.messages {
                links[link.name] = link
                linkNames[link.index] = link.name
            }
            linkReader.resyncs += 1
            logger.debug("links read", metadata: [
                "cause": "\(update.cause ?? "?")", "links": "\(links.count)",
                "seconds": "\(update.durationSeconds ?? 0)",
            ])
        case .changes:
            for message in update.messages {
                switch message {
                case .link(let link):
                    if let old = linkNames[link.index], old != link.name {
                        links[old] = nil
                    }
                    linkNames[link.index] = link.name
                    links[link.name] = link
                case .removed(let index, let name):
                    // By index: the name in the message may already be a new one's.
                    links[linkNames[index] ?? name] = nil
                    linkNames[index] = nil
                case .statistics:
                    break
                }
            }
        case .statistics:
            for case .statistics(let index, let statistics) in update.messages {
                if let name = linkNames[index] { links[name]?.statistics = statistics }
            }
        }
        linkReader.events += UInt64(update.events)
        for (reason, count) in update.skipped { linkReader.skipped[reason, default: 0] += count }
        if update.skipped["dump_failed"] != nil {
            linkReader.errors += 1
        } else if update.scope == .all || update.events > 0 {
            linkReader.lastSuccess = now
            linkReader.lastError = nil
        }
        if update.scope == .statistics { return }
        if let duration = update.durationSeconds { linkReader.lastDurationSeconds = duration }
        stateVersion &+= 1
        evaluate(now: now)
    }

    /// Applies what the array reader read: all arrays, or the ones a uevent named.
    package func apply(_ update: ArrayUpdate) {
        guard arraysEnabled else { return }
        let now = clock()
        if update.scope == .all {
            arrays.removeAll(keepingCapacity: true)
            arrayReader.resyncs += 1
        }
        for name in update.removed { arrays[name] = nil }
        for array in update.arrays { arrays[array.name] = array }
        let sorted = arrays.values.sorted { ($0.name.count, $0.name) < ($1.name.count, $1.name) }
        arrayReader.events += UInt64(update.events)
        arrayReader.lastSuccess = now
        arrayReader.lastError = nil
        if let duration = update.durationSeconds { arrayReader.lastDurationSeconds = duration }
        // An idle re-read that finds nothing new leaves the cached scrape as it is.
        if sorted != arrayList {
            arrayList = sorted
            stateVersion &+= 1
        }
        evaluate(now: now)
    }

    /// Applies a sensor reading, or records why there was none (the old reading then ages
    /// towards stale), and judges again.
    package func apply(_ update: SensorUpdate) {
        guard sensorsEnabled else { return }
        let now = clock()
        sensorReader.events += UInt64(update.events)
        if update.reinitialised { sensorReader.resyncs += 1 }
        if !update.configurationProblems.isEmpty {
            sensorReader.skipped["configuration_line", default: 0] += UInt64(update.configurationProblems.count)
        }
        sensorReader.lastDurationSeconds = update.durationSeconds
        if let reading = update.reading {
            sensors = reading.sensors
            sensorVersion &+= 1
            sensorReader.lastSuccess = now
            sensorReader.lastError = nil
            if reading.unreadableSubfeatures > 0 {
                sensorReader.skipped["unreadable_subfeature", default: 0] += UInt64(reading.unreadableSubfeatures)
            }
        } else {
            sensorReader.errors += 1
            sensorReader.lastError = update.error
        }
        evaluate(now: now)
    }

    /// Records that the array reader could not run (no udev monitor socket).
    package func arrayReaderFailed(_ message: String) {
        arrayReader.errors += 1
        arrayReader.lastError = message
        evaluate()
    }

    /// Records that the link reader could not run at all (e.g. no netlink socket).
    package func linkReaderFailed(_ message: String) {
        linkReader.errors += 1
        linkReader.lastError = message
        evaluate()
    }

    /// Re-judges with the clock moved on: hysteresis hold times, flap windows and staleness
    /// advance even when nothing else happens. When none of them can change the verdict, the
    /// tick only proves the engine alive: an idle host with a thousand links costs next to
    /// nothing.
    package func tick() {
        let now = clock()
        if verdictMayChange(by: now) || now - lastFullEvaluation >= 30 {
            evaluate(now: now)
        } else {
            lastEvaluation = now
        }
    }

    /// Whether time alone could change the verdict at `now`.
    private func verdictMayChange(by now: Timestamp) -> Bool {
        if memory.host == nil { return true }  // never judged yet
        if memory.components.values.contains(where: { $0.pendingState != nil }) { return true }
        if memory.carrierHistory.values.contains(where: { $0.samples.count > 1 }) { return true }
        if arraysEnabled {
            // A stall, a delayed rebuild and an error window all run out with time.
            if memory.arrays?.values.contains(where: { $0.syncAction != nil || $0.waitingSince != nil || !$0.errorsRoseAt.isEmpty }) ?? false {
                return true
            }
            guard let lastSuccess = arrayReader.lastSuccess else { return true }
            if now - lastSuccess >= config.arrays.staleAfterSeconds - 2 { return true }
        }
        if sensorsEnabled {
            guard let lastSuccess = sensorReader.lastSuccess else { return true }
            if now - lastSuccess >= config.sensors.staleAfterSeconds - 2 { return true }
        }
        if memory.disks.kernelErrors.values.contains(where: { $0.samples.count > 1 }) { return true }
        guard linksEnabled else { return false }
        guard let lastSuccess = linkReader.lastSuccess else { return true }
        return now - lastSuccess >= config.links.staleAfterSeconds - 2
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
        stateVersion &+= 1
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
        stateVersion &+= 1
    }

    /// Takes a new configuration (SIGHUP); the policy's memory is kept.
    package func reload(_ config: AgentConfig) {
        self.config = config
        evaluate()
    }

    /// The `/metrics` body, with link counters refreshed by one dump shared by concurrent
    /// scrapes. Families that only change with a verdict or a link event come from a cache.
    /// - Parameter outputs: the journal's and the hook's own health, for the volatile part.
    package func metrics(format: ExpositionFormat, outputs: OutputStatus? = nil) async -> [ByteBuffer] {
        await refreshForScrape()
        let now = clock()
        let snapshot = self.snapshot
        let state: ByteBuffer
        if let cached = stateCache[format], cached.version == stateVersion {
            state = cached.bytes
        } else {
            state = ByteBuffer(bytes: MetricsExposition.renderState(report: report, snapshot: snapshot, agent: agent, format: format))
            stateCache[format] = (stateVersion, state)
        }
        let order: LinkOrder
        if let cached = linkOrderCache, cached.version == stateVersion {
            order = cached.order
        } else {
            order = LinkOrder(links)
            linkOrderCache = (stateVersion, order)
        }
        var parts = [state]
        var volatileSnapshot = snapshot
        if let sensors = snapshot.sensors {
            if let cached = sensorCache[format], cached.version == sensorVersion {
                parts.append(cached.bytes)
            } else {
                let bytes = ByteBuffer(bytes: MetricsExposition.renderSensors(sensors, format: format))
                sensorCache[format] = (sensorVersion, bytes)
                parts.append(bytes)
            }
            volatileSnapshot.sensors = nil
        }
        let volatile = MetricsExposition.renderVolatile(
            snapshot: volatileSnapshot, format: format, now: now, wallClockOffset: wallClock() - now, linkOrder: order,
            outputs: outputs)
        parts.append(ByteBuffer(bytes: volatile))
        return parts
    }

    /// The `/health` status code and body, from one and the same verdict.
    package func health() -> (statusCode: Int, body: ByteBuffer) {
        (config.health.statusCode(for: report.host), document(.health))
    }

    /// The `/health` or `/status` JSON for the current verdict.
    package func document(_ kind: DocumentKind) -> ByteBuffer {
        if let cached = documentCache[kind], cached.version == stateVersion { return cached.bytes }
        let bytes = switch kind {
        case .health: ByteBuffer(bytes: HealthDocument(report: report).json())
        case .status: ByteBuffer(bytes: StatusDocument(report: report, details: diskDetails()).json())
        }
        documentCache[kind] = (stateVersion, bytes)
        return bytes
    }

    private func refreshForScrape() async {
        guard let refreshStatistics, linksEnabled else { return }
        if let running = refreshInFlight {
            await running.value
            return
        }
        let task = Task {
            do {
                self.apply(try await refreshStatistics())
            } catch {
                self.linkReaderFailed("scrape refresh: \(error)")
            }
        }
        refreshInFlight = task
        await task.value
        refreshInFlight = nil
    }

    func evaluate(now: Timestamp? = nil) {
        let now = now ?? clock()
        if awaitingFirstReads {
            lastEvaluation = now
            return
        }
        let result = HealthPolicy(config: config).evaluate(previous: memory, snapshot: snapshot, now: now)
        memory = result.memory
        if result.report.host != report.host || result.report.components != report.components {
            stateVersion &+= 1
        }
        report = result.report
        let offset = wallClock() - now
        // The system clock was stepped: the times shown from caches must follow.
        if abs(offset - previousOffset) > 0.5 { stateVersion &+= 1 }
        previousOffset = offset
        report.wallClockOffset = offset
        lastEvaluation = now
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
}
