internal import HostHealthPolicy
internal import ServiceLifecycle

/// Hands the engine's transitions to the journal in order, then to the hook: a hook runs only
/// for a transition already on disk. It is started first and so stopped last: transitions made
/// during shutdown are still written.
final class JournalService: Service {
    /// One evaluation's transitions, with the host's verdict after them (for the hook).
    struct Batch: Sendable {
        var transitions: [Transition]
        var host: HostHealth
    }

    let journal: TransitionJournal
    let hooks: HookRunner?
    let queue: TransitionQueue

    init(journal: TransitionJournal, hooks: HookRunner?, queue: TransitionQueue) {
        self.journal = journal
        self.hooks = hooks
        self.queue = queue
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            for await batch in queue.batches {
                await journal.record(batch.transitions)
                await hooks?.submit(batch.transitions, host: batch.host)
            }
        } onGracefulShutdown: {
            self.queue.finish()
        }
    }
}
