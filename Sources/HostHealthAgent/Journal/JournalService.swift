internal import HostHealthCore
internal import ServiceLifecycle

/// Hands the engine's transitions to the journal in order. It is started first and so stopped
/// last: transitions made during shutdown are still written.
final class JournalService: Service {
    let journal: TransitionJournal
    let transitions: AsyncStream<[Transition]>
    let finish: @Sendable () -> Void

    init(journal: TransitionJournal, transitions: AsyncStream<[Transition]>, finish: @escaping @Sendable () -> Void) {
        self.journal = journal
        self.transitions = transitions
        self.finish = finish
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            for await batch in transitions {
                await journal.record(batch)
            }
        } onGracefulShutdown: {
            self.finish()
        }
    }
}
