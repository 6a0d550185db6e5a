internal import KernelLogReader
internal import Logging
internal import NIOPosix
internal import ServiceLifecycle
internal import HostHealthModel

/// The one kernel-log reader (`--collector.kmsg`), on a thread of its own for the agent's
/// life: one descriptor on /dev/kmsg, whose records every domain's parser sees
/// (`KernelLogParsers.all`). Disk trouble, memory errors and machine checks fold into their
/// own domains from its batches.
struct KernelLogService {
    var services: [any Service] = []
    var pool: NIOThreadPool?

    init(collectors: Set<Collector>, engine: HealthEngine, logger: Logger) {
        guard collectors.contains(.kmsg) else { return }
        let threads = NIOThreadPool(numberOfThreads: 1)
        threads.start()
        pool = threads
        let reader = KernelLogReader()
        services.append(BlockingReaderService<KernelLogUpdate>(
            name: "kmsg", threads: threads, logger: logger,
            loop: { send in try reader.run(send) }, stop: { reader.stop() },
            apply: { await engine.apply($0) }, failed: { await engine.readerFailed(.kmsg, $0) },
            retryAfter: .seconds(30)))
    }
}
