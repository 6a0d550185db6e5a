internal import HostHealthCore
internal import LinkReader
internal import Logging
internal import NIOPosix
internal import ServiceLifecycle

/// Runs the link reader's event loop on a thread of its own and feeds the engine. If the
/// reader cannot start (no netlink socket), the engine is told, so links read as unknown
/// rather than as healthy, and it retries.
final class LinkService: Service {
    let collector: LinkCollector
    let engine: HealthEngine
    let threads: NIOThreadPool
    let logger: Logger

    init(collector: LinkCollector, engine: HealthEngine, threads: NIOThreadPool, logger: Logger) {
        self.collector = collector
        self.engine = engine
        self.threads = threads
        self.logger = logger
    }

    func run() async throws {
        let collector = self.collector
        let engine = self.engine
        try await ReaderLoop<LinkUpdate>(
            name: "link", threads: threads, logger: logger,
            read: { deliver in try collector.runEventLoop(deliver: deliver) },
            stop: { collector.stop() },
            apply: { await engine.apply($0) },
            failed: { await engine.linkReaderFailed($0) }
        ).run()
    }
}
