internal import HostHealthModel
internal import HostHealthPolicy
internal import HostHealthExposition
internal import Logging
internal import ServiceLifecycle

/// Hands the engine's transitions to the journal's disk in order, then to the hook: a hook runs
/// only for a transition already on disk. It is started first and so stopped last: transitions
/// made during shutdown are still written. A state disk that does not answer (a hung
/// fdatasync) holds the stop for `stopWithin` at most, then the agent exits without the
/// writes still waiting, so a stop never waits for systemd's SIGKILL.
final class JournalService: Service {
    /// One evaluation's records, numbered and in memory already, with the host's verdict after
    /// them (for the hook).
    struct Batch: Sendable {
        var records: [JournalRecord]
        var host: HostHealth
    }

    /// How long a stop waits for the writes still queued: the unit's TimeoutStopSec is 20 s,
    /// and the readers and listeners stop in well under a second.
    static let defaultStopWithin: Duration = .seconds(5)

    let journal: TransitionJournal
    let hooks: HookRunner?
    let queue: TransitionQueue
    let stopWithin: Duration
    let logger: Logger?

    init(journal: TransitionJournal, hooks: HookRunner?, queue: TransitionQueue,
         stopWithin: Duration = JournalService.defaultStopWithin, logger: Logger? = nil) {
        self.journal = journal
        self.hooks = hooks
        self.queue = queue
        self.stopWithin = stopWithin
        self.logger = logger
    }

    private enum End: Sendable {
        case drained
        case diskNotAnswering
    }

    func run() async throws {
        let end = FirstOutcome<End>()
        let (journal, hooks, queue) = (self.journal, self.hooks, self.queue)
        // Unstructured: a write stuck in the kernel cannot be cancelled, and a task group
        // would wait for it.
        Task {
            for await batch in queue.batches {
                queue.taken()
                await journal.persist(batch.records)
                await hooks?.submit(batch.records.map(\.transition), host: batch.host)
            }
            end.offer(.drained)
        }
        let stopWithin = self.stopWithin
        let result = await withGracefulShutdownHandler {
            await end.value
        } onGracefulShutdown: {
            queue.finish()
            Task {
                try? await Task.sleep(for: stopWithin)
                end.offer(.diskNotAnswering)
            }
        }
        if case .diskNotAnswering = result {
            let status = await journal.status
            logger?.error("journal: the state disk did not answer within the stop's limit; stopping without the writes still waiting", metadata: [
                "limit": "\(stopWithin)", "persisted_through": "\(status.syncedSequence.map(String.init) ?? "none")",
            ])
        }
    }
}
