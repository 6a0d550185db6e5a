internal import Synchronization

/// The engine's transitions on their way to the journal and the hook, bounded. While the disk
/// hangs (fdatasync on a failing disk never returns) the journal takes nothing, and an unbounded
/// queue grew with every transition for as long as the disk hung. Past `limit` waiting batches
/// the oldest is dropped and counted: the verdict, `/health` and the scrape never depended on
/// it, `/events` has it already (the journal keeps records in memory before they queue), and
/// the newest transitions are the ones an operator needs on disk once the disk answers.
final class TransitionQueue: Sendable {
    /// Batches that may wait: at one batch per evaluation, minutes of a flapping host.
    static let defaultLimit = 1000

    let batches: AsyncStream<JournalService.Batch>
    private let sink: AsyncStream<JournalService.Batch>.Continuation
    private let droppedTransitions = Atomic<UInt64>(0)
    private let waitingBatches = Atomic<Int>(0)

    init(limit: Int = TransitionQueue.defaultLimit) {
        (batches, sink) = AsyncStream.makeStream(of: JournalService.Batch.self, bufferingPolicy: .bufferingNewest(limit))
    }

    /// Queues a batch. When it pushed the oldest waiting batch out, returns the transitions
    /// dropped so far, at the first drop and then once per thousand: worth a log line.
    @discardableResult
    func submit(_ batch: JournalService.Batch) -> UInt64? {
        let result = sink.yield(batch)
        if case .enqueued = result { waitingBatches.add(1, ordering: .relaxed) }
        guard case .dropped(let lost) = result else { return nil }
        let (before, total) = droppedTransitions.add(UInt64(lost.records.count), ordering: .relaxed)
        return before == 0 || before / 1000 != total / 1000 ? total : nil
    }

    /// The consumer took a batch from `batches`.
    func taken() {
        waitingBatches.subtract(1, ordering: .relaxed)
    }

    /// Batches queued and not yet taken: the backlog behind a disk that does not answer.
    var waiting: Int { waitingBatches.load(ordering: .relaxed) }

    /// Ends the stream: nothing submitted later is taken.
    func finish() {
        sink.finish()
    }

    /// Transitions dropped since the agent started: in `/events`, never on disk nor given to the hook.
    var dropped: UInt64 { droppedTransitions.load(ordering: .relaxed) }
}
