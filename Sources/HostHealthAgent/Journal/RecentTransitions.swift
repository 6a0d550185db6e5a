internal import HostHealthModel
internal import HostHealthPolicy
internal import HostHealthExposition
internal import Synchronization

/// The journal's newest records in memory, numbered the moment the engine makes them. It is
/// not the journal actor's state because the actor may be waiting on the disk (a hung
/// fdatasync) for as long as the disk hangs: `/events` must still show what changed meanwhile.
final class RecentTransitions: Sendable {
    private struct State {
        var records: [JournalRecord] = []
        /// The number the next record gets: one past the newest.
        var nextSequence: UInt64 = 1
    }

    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = limit
    }

    /// Numbers `transitions` in order and keeps them, dropping the oldest past `limit`.
    func append(_ transitions: [Transition]) -> [JournalRecord] {
        state.withLock { state in
            let records = transitions.map { transition in
                defer { state.nextSequence += 1 }
                return JournalRecord(sequence: state.nextSequence, transition: transition)
            }
            state.records += records
            if state.records.count > limit { state.records.removeFirst(state.records.count - limit) }
            return records
        }
    }

    /// Puts what earlier runs recorded before what this run has (nothing, in the agent), whose
    /// records are numbered again to follow them.
    func seed(_ loaded: [JournalRecord]) {
        state.withLock { state in
            state.nextSequence = (loaded.last?.sequence ?? 0) + 1
            var records = loaded.suffix(limit).map { $0 }
            for record in state.records {
                records.append(JournalRecord(sequence: state.nextSequence, transition: record.transition))
                state.nextSequence += 1
            }
            if records.count > limit { records.removeFirst(records.count - limit) }
            state.records = records
        }
    }

    /// Records at or after `since`, oldest first.
    func records(since: Timestamp?) -> [JournalRecord] {
        state.withLock { state in
            guard let since else { return state.records }
            return state.records.filter { $0.transition.at >= since }
        }
    }

    var newest: JournalRecord? {
        state.withLock { $0.records.last }
    }
}
