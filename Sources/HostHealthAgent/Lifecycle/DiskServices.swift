internal import DiskReader
internal import HostHealthConfig
internal import Logging
internal import NIOPosix
internal import ServiceLifecycle
internal import HostHealthModel

/// The disk, SMART and kernel-log readers as services, with the threads they block on: one
/// each for the udev and /dev/kmsg loops, `smart.concurrency` for smartctl runs.
struct DiskServices {
    var services: [any Service] = []
    var pools: [NIOThreadPool] = []
    var reload: @Sendable (AgentConfig) -> Void = { _ in }

    init(collectors: Set<Collector>, config: AgentConfig, engine: HealthEngine, logger: Logger) {
        let readers = [Collector.disks, .kmsg].filter(collectors.contains)
        if !readers.isEmpty {
            let threads = NIOThreadPool(numberOfThreads: readers.count)
            threads.start()
            pools.append(threads)
            if collectors.contains(.disks) {
                let collector = DiskCollector(refreshIntervalSeconds: config.disks.refreshIntervalSeconds)
                services.append(BlockingReaderService<DiskUpdate>(
                    name: "disks", threads: threads, logger: logger,
                    loop: { send in try collector.run(send) }, stop: { collector.stop() },
                    apply: { await engine.apply($0) }, failed: { await engine.readerFailed(.disks, $0) },
                    retryAfter: .seconds(30)))
                reload = { collector.setRefreshInterval($0.disks.refreshIntervalSeconds) }
            }
            if collectors.contains(.kmsg) {
                let reader = KernelLogReader()
                services.append(BlockingReaderService<KernelLogUpdate>(
                    name: "kmsg", threads: threads, logger: logger,
                    loop: { send in try reader.run(send) }, stop: { reader.stop() },
                    apply: { await engine.apply($0) }, failed: { await engine.readerFailed(.kmsg, $0) },
                    retryAfter: .seconds(30)))
            }
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
