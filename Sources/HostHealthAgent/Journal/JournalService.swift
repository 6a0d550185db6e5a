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
    let transitions: AsyncStream<Batch>
    let finish: @Sendable () -> Void

    init(journal: TransitionJournal, hooks: HookRunner?, transitions: AsyncStream<Batch>, finish: @escaping @Sendable () -> Void) {
        self.journal = journal
        self.hooks = hooks
        self.transitions = transitions
        self.finish = finish
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            for await batch in transitions {
                await journal.record(batch.transitions)
                await hooks?.submit(batch.transitions, host: batch.host)
            }
        } onGracefulShutdown: {
            self.finish()
        }
    }
}
