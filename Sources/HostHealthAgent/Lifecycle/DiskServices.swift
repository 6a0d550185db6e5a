internal import DiskReader
internal import HostHealthConfig
internal import Logging
internal import NIOPosix
internal import ServiceLifecycle
internal import HostHealthModel

/// The disk and SMART readers as services, with the threads they block on: one for the udev
/// loop, `smart.concurrency` for smartctl runs. (The kernel log, which every domain reads, is
/// `KernelLogService`.)
struct DiskServices {
    var services: [any Service] = []
    var pools: [NIOThreadPool] = []
    var reload: @Sendable (AgentConfig) -> Void = { _ in }

    init(collectors: Set<Collector>, config: AgentConfig, engine: HealthEngine, logger: Logger) {
        if collectors.contains(.disks) {
            let threads = NIOThreadPool(numberOfThreads: 1)
            threads.start()
            pools.append(threads)
            let collector = DiskCollector(refreshIntervalSeconds: config.disks.refreshIntervalSeconds)
            services.append(BlockingReaderService<DiskUpdate>(
                name: "disks", threads: threads, logger: logger,
                loop: { send in try collector.run(send) }, stop: { collector.stop() },
                apply: { await engine.apply($0) }, failed: { await engine.readerFailed(.disks, $0) },
                retryAfter: .seconds(30)))
            reload = { collector.setRefreshInterval($0.disks.refreshIntervalSeconds) }
        }
        if collectors.contains(.smart) {
            let threads = NIOThreadPool(numberOfThreads: max(1, config.smart.concurrency))
            threads.start()
            pools.append(threads)
            let service = SmartService(engine: engine, config: config.smart, threads: threads, logger: logger)
            services.append(service)
            let disksReload = reload
            reload = { config in
                disksReload(config)
                service.reload(config.smart)
            }
        }
    }
}
