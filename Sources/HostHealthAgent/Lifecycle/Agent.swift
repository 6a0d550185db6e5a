internal import CSystemShims
internal import Glibc
internal import HostHealthCollection
internal import HostHealthModel
internal import HostHealthConfig
internal import HostHealthExposition
internal import HostHealthPolicy
internal import LinkReader
internal import MDReader
internal import MemoryReader
internal import CPUReader
internal import PCIeReader
internal import SensorReader
internal import Spawn
package import Logging
internal import NIOPosix
internal import ServiceLifecycle
internal import UnixSignals
internal import HostSystem

/// `hosthealthd` put together: config, engine, readers and servers in one service group with
/// graceful shutdown on SIGTERM/SIGINT and reload on SIGHUP.
package struct Agent: Sendable {
    package static let version = AgentInfo.releaseVersion

    package var options: AgentOptions
    package var logger: Logger

    package init(options: AgentOptions, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    /// Runs until a termination signal. Throws at start, before serving anything, when the
    /// configuration is bad or an address cannot be bound.
    package func run() async throws {
        hh_tune_malloc()
        // SIGHUP is trapped before anything is bound: systemd or a script may reload as soon as
        // /livez answers, and until now its default action would kill the agent. One that
        // arrives during start-up waits in the sequence and is handled once the agent runs.
        let reloads = await UnixSignalsSequence(trapping: .sighup)
        let loader = ConfigLoader(path: options.configFile, baselinePath: options.baselineFile)
        let config = try loader.load()
        let threads = NIOThreadPool(numberOfThreads: 2)
        threads.start()
        do {
            try await run(config: config, loader: loader, threads: threads, reloads: reloads)
        } catch {
            try? await threads.shutdownGracefully()
            throw error
        }
        try? await threads.shutdownGracefully()
    }

    private func run(config: AgentConfig, loader: ConfigLoader, threads: NIOThreadPool, reloads: UnixSignalsSequence) async throws {
        let collector = options.linksEnabled ? LinkCollector(resyncIntervalSeconds: config.links.resyncIntervalSeconds) : nil
        var refresh: (@Sendable () async throws -> LinkUpdate)?
        if let collector {
            refresh = { try await threads.runIfActive { try collector.dumpStatistics() } }
        }
        if let directory = options.stateDirectory.map(Self.absolute) {
            // Made when missing (0750); refused at start when another user could write in it.
            try? JournalFile(directory: directory).prepare()
            try StateDirectory.check(directory)
        }
        // Journal writes (fdatasync on a busy disk) must never delay a scrape's dump or the
        // link events; bcrypt checks get a thread of their own too, so a flood of wrong
        // passwords cannot hold up the journal.
        let journalThread = NIOThreadPool(numberOfThreads: 1)
        journalThread.start()
        defer { journalThread.shutdownGracefully { _ in } }
        let transitions = TransitionQueue()
        let journal = TransitionJournal(
            directory: options.stateDirectory.map(Self.absolute), threads: journalThread, queue: transitions, logger: logger)
        _ = await journal.open()
        // Hook children each hold a thread while they run: as many threads as may run at once.
        let hookThreads = NIOThreadPool(numberOfThreads: HookRunner.maxRunning)
        defer { hookThreads.shutdownGracefully { _ in } }
        let hooks = HookRunner(config: config.hooks, threads: hookThreads, logger: logger)
        // What a hook (or smartctl) leaves behind, even out of its process group, is reparented
        // here, killed at its deadline or at shutdown, and reaped.
        if let error = ChildProcess.adoptEscapedDescendants() {
            logger.warning("cannot adopt what hooks leave running; a hook that setsids can outlive its timeout", metadata: ["error": "\(error)"])
        }
        defer { ChildProcess.terminateAll() }
        // Error rates judged over hours must survive a restart: their windows are kept in the
        // state directory, saved in the background whenever they change.
        let windowStore = EventWindowStore(directory: options.stateDirectory.map(Self.absolute), logger: logger)
        defer { windowStore.shutdown() }
        let bootID = EventWindowStore.currentBootID()
        let engine = HealthEngine(
            config: config,
            agent: AgentInfo(
                version: Self.version, kernel: HostIdentity.kernelRelease, pool: config.fleet?.pool ?? "",
                zone: config.fleet?.zone ?? "", rack: config.fleet?.rack ?? ""),
            collectors: options.collectors,
            logger: logger, refreshStatistics: refresh, onTransitions: { batch, host in
                guard let dropped = transitions.submit(JournalService.Batch(records: journal.remember(batch), host: host)) else { return }
                logger.warning("journal: not taking transitions (is the state disk hung?); dropping the oldest waiting", metadata: [
                    "dropped": "\(dropped)", "waiting": "\(TransitionQueue.defaultLimit) batches",
                ])
            },
            onWindows: { windows, driftSince, now, wall in
                windowStore.save(EventWindowsRecord(bootID: bootID, savedAt: now, savedAtWall: wall, windows: windows, driftSince: driftSince))
            })
        let restored = windowStore.load(bootID: bootID, now: BootClock.now(), wall: WallClock.now())
        await engine.restoreWindows(restored.windows)
        await engine.restoreDriftSince(restored.driftSince)
        let routes = Routes(engine: engine, journal: journal, hooks: hooks)
        // Maintenance is persisted on a thread of its own: a journal write hung in fdatasync (a
        // failing disk) must not hold up `hostctl maintenance on`, which is needed just then.
        let maintenanceThread = NIOThreadPool(numberOfThreads: 1)
        maintenanceThread.start()
        defer { maintenanceThread.shutdownGracefully { _ in } }
        let maintenanceStore = MaintenanceStore(directory: options.stateDirectory.map(Self.absolute), threads: maintenanceThread)
        await restoreMaintenance(from: maintenanceStore, into: engine)
        let notifier = SystemdNotifier()

        let authThread = NIOThreadPool(numberOfThreads: 1)
        authThread.start()
        defer { authThread.shutdownGracefully { _ in } }
        let security = try options.webConfigFile.map { try WebSecurity(path: $0, threads: authThread) }
        if security?.settings.tls != nil, let unix = options.webListenAddresses.first(where: { if case .unix = $0 { true } else { false } }) {
            throw ConfigError(
                file: options.webConfigFile ?? "", key: "tls_server_config",
                reason: "TLS cannot be served on the Unix socket \(unix) given to --web.listen-address; use a TCP address")
        }

        let fleetAtStart = config.fleet
        var services: [any Service] = [
            JournalService(journal: journal, hooks: hooks, queue: transitions, logger: logger),
        ]
        for address in options.webListenAddresses {
            services.append(try await listen(address, what: "--web.listen-address") {
                try await HTTPServer.bind(address, routes: routes, security: security, logger: logger)
            })
        }
        if let path = options.controlSocket {
            services.append(try await listen(.unix(path: path), what: "--control.socket") {
                try Self.prepareSocketDirectory(for: path)
                var controlRoutes = routes
                controlRoutes.control = ControlRoutes(store: maintenanceStore)
                let server = try await HTTPServer.bind(.unix(path: path), routes: controlRoutes, logger: logger)
                // Root and the hosthealth group: the socket shows the host's whole state.
                chmod(path, 0o660)
                if let group = getgrnam("hosthealth") { chown(path, getuid(), group.pointee.gr_gid) }
                return server
            })
        }
        if case .tcp(let host, let port)? = options.agentCheckAddress {
            services.append(try await listen(.tcp(host: host, port: port), what: "--agent-check.listen-address") {
                try await AgentCheckServer.bind(host: host, port: port, engine: engine, logger: logger)
            })
        }
        if let collector {
            services.append(BlockingReaderService<LinkUpdate>(
                name: "link", threads: threads, logger: logger,
                loop: { deliver in try collector.runEventLoop(deliver: deliver) }, stop: { collector.stop() },
                apply: { await engine.apply($0) }, failed: { await engine.readerFailed(.links, $0) }))
        }
        let arrayWatcher = options.collectors.contains(.arrays)
            ? MDArrayWatcher(idleIntervalSeconds: config.arrays.resyncIntervalSeconds) : nil
        // Not the shared pool: the md watcher blocks its thread, which libudev is confined to,
        // for the agent's whole life.
        let arrayThread = NIOThreadPool(numberOfThreads: 1)
        defer { arrayThread.shutdownGracefully { _ in } }
        if let arrayWatcher {
            arrayThread.start()
            services.append(BlockingReaderService<ArrayUpdate>(
                name: "array", threads: arrayThread, logger: logger,
                loop: { deliver in try arrayWatcher.run(deliver) }, stop: { arrayWatcher.stop() },
                apply: { await engine.apply($0) }, failed: { await engine.readerFailed(.arrays, $0) }))
        }
        let pcieWatcher = options.collectors.contains(.pcie)
            ? PCIeWatcher(pollIntervalSeconds: config.pcie.pollIntervalSeconds, pciIDsPath: config.pcie.pciIDsPath) : nil
        // Its own thread, as the md watcher's: libudev is confined to the thread that made it.
        let pcieThread = NIOThreadPool(numberOfThreads: 1)
        defer { pcieThread.shutdownGracefully { _ in } }
        if let pcieWatcher {
            pcieThread.start()
            services.append(BlockingReaderService<PCIeUpdate>(
                name: "pcie", threads: pcieThread, logger: logger,
                loop: { deliver in try pcieWatcher.run(deliver) }, stop: { pcieWatcher.stop() },
                apply: { await engine.apply($0) }, failed: { await engine.readerFailed(.pcie, $0) }))
        }
        let disks = DiskServices(collectors: options.collectors, config: config, engine: engine, logger: logger)
        defer { for pool in disks.pools { pool.shutdownGracefully { _ in } } }
        services += disks.services
        let kernelLog = KernelLogService(collectors: options.collectors, engine: engine, logger: logger)
        defer { kernelLog.pool?.shutdownGracefully { _ in } }
        services += kernelLog.services
        let sensorService = options.collectors.contains(.sensors)
            ? SensorService(engine: engine, configuration: .system(config.sensors), intervalSeconds: config.sensors.intervalSeconds, logger: logger)
            : nil
        if let sensorService { services.append(sensorService) }
        let memoryService = options.collectors.contains(.memory)
            ? PollingReaderService<MemoryUpdate>(
                name: "memory", engine: engine, intervalSeconds: config.memory.intervalSeconds, logger: logger, read: { EDACReader().read() })
            : nil
        if let memoryService { services.append(memoryService) }
        let cpuService = options.collectors.contains(.cpu)
            ? PollingReaderService<CPUUpdate>(
                name: "cpu", engine: engine, intervalSeconds: config.cpu.intervalSeconds, logger: logger, read: { CPUReader().read() })
            : nil
        if let cpuService { services.append(cpuService) }
        if let fleet = config.fleet {
            let service = FleetService(
                config: fleet, member: fleet.member ?? HostIdentity.name,
                transport: try EtcdGateway(config: fleet, configFile: loader.path), engine: engine, logger: logger)
            await engine.joinFleet(fleet) { service.wishChanged($0) }
            services.append(service)
        }
        services.append(HeartbeatService(engine: engine, notifier: notifier, logger: logger))
        services.append(ReloadService(
            loader: loader, engine: engine, notifier: notifier, logger: logger,
            onReload: { [logger] newConfig in
                let config = newConfig
                if config.fleet != fleetAtStart {
                    logger.warning("fleet: the fleet section changed; it takes effect at the next restart")
                }
                collector?.setResyncInterval(config.links.resyncIntervalSeconds)
                arrayWatcher?.setIdleInterval(config.arrays.resyncIntervalSeconds)
                pcieWatcher?.configure(pollIntervalSeconds: config.pcie.pollIntervalSeconds, pciIDsPath: config.pcie.pciIDsPath)
                disks.reload(config)
                sensorService?.setInterval(config.sensors.intervalSeconds)
                memoryService?.setInterval(config.memory.intervalSeconds)
                cpuService?.setInterval(config.cpu.intervalSeconds)
                Task { await hooks.reload(config.hooks) }
            },
            reloadOthers: { [logger] in
                guard let security else { return }
                do {
                    try security.reload()
                    logger.info("web configuration reloaded", metadata: ["file": "\(security.path)"])
                } catch {
                    logger.error("web configuration not reloaded; keeping the running one", metadata: ["error": "\(error)"])
                }
            },
            requests: { reloads }))

        logger.info("starting", metadata: [
            "version": "\(Self.version)", "config": "\(loader.path)\(loader.explicit ? "" : " (default)")",
            "baseline": "\(config.baseline.map { "\($0.files.joined(separator: ",")) sha256=\($0.sha256)" } ?? "none")",
            "web": "\(options.webListenAddresses.map(\.description).joined(separator: ","))",
            "agent_check": "\(options.agentCheckAddress?.description ?? "off")",
            "control_socket": "\(options.controlSocket ?? "off")",
            "state_dir": "\(options.stateDirectory ?? "off")",
            "web_config": "\(options.webConfigFile ?? "none")",
            "collectors": "\(options.collectors.isEmpty ? "none" : options.collectors.sorted().map(\.rawValue).joined(separator: ","))",
        ])
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
        logger.info("stopped")
    }

    /// A drain the operator started before a restart holds again. An unreadable record keeps
    /// the host drained: fail closed, and say what to do.
    private func restoreMaintenance(from store: MaintenanceStore, into engine: HealthEngine) async {
        do {
            guard let maintenance = try store.load() else { return }
            await engine.restoreMaintenance(maintenance)
            logger.notice("maintenance holds from before the restart", metadata: [
                "reason": "\(maintenance.reason)", "by": "\(maintenance.by)", "since": "\(maintenance.since.rfc3339)",
            ])
        } catch {
            logger.error("maintenance record unreadable; the host stays in maintenance until hostctl maintenance off", metadata: ["error": "\(error)"])
            await engine.restoreMaintenance(Maintenance(
                reason: "maintenance record unreadable; check it, then hostctl maintenance off", since: WallClock.now(), by: "hosthealthd"))
        }
    }

    private func listen<S>(_ address: ListenAddress, what: String, _ bind: () async throws -> S) async throws -> S {
        do {
            return try await bind()
        } catch {
            throw HostHealthError(.cannotListen, "cannot listen on \(address) (\(what)): \(error)")
        }
    }

    /// A path made absolute against the working directory at start.
    static func absolute(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        let directory = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return (directory == "/" ? "" : directory) + "/" + path
    }

    /// Creates the socket's directory (mode 0755) when missing, e.g. /run/hosthealth.
    static func prepareSocketDirectory(for path: String) throws {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return }
        let directory = String(path[..<slash])
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw HostHealthError(.cannotListen, "cannot create \(directory): \(Errno.current)")
        }
    }
}
