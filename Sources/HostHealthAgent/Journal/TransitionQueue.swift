internal import Synchronization

/// The engine's transitions on their way to the journal and the hook, bounded. While the disk
/// hangs (fdatasync on a failing disk never returns) the journal takes nothing, and an unbounded
/// queue grew with every transition for as long as the disk hung. Past `limit` waiting batches
/// the oldest is dropped and counted: the verdict, `/health` and the scrape never depended on
/// it, and the newest transitions are the ones an operator needs once the disk answers.
final class TransitionQueue: Sendable {
    /// Batches that may wait: at one batch per evaluation, minutes of a flapping host.
    static let defaultLimit = 1000

    let batches: AsyncStream<JournalService.Batch>
    private let sink: AsyncStream<JournalService.Batch>.Continuation
    private let droppedTransitions = Atomic<UInt64>(0)

    init(limit: Int = TransitionQueue.defaultLimit) {
        (batches, sink) = AsyncStream.makeStream(of: JournalService.Batch.self, bufferingPolicy: .bufferingNewest(limit))
    }

    /// Queues a batch. When it pushed the oldest waiting batch out, returns the transitions
    /// dropped so far, at the first drop and then once per thousand: worth a log line.
    @discardableResult
    func submit(_ batch: JournalService.Batch) -> UInt64? {
        guard case .dropped(let lost) = sink.yield(batch) else { return nil }
        let (before, total) = droppedTransitions.add(UInt64(lost.transitions.count), ordering: .relaxed)
        return before == 0 || before / 1000 != total / 1000 ? total : nil
    }

    /// Ends the stream: nothing submitted later is taken.
    func finish() {
        sink.finish()
    }

    /// Transitions dropped since the agent started, never journaled nor given to the hook.
    var dropped: UInt64 { droppedTransitions.load(ordering: .relaxed) }
}
