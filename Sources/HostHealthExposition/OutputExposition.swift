internal import HostHealthModel
internal import HostHealthPolicy
internal import HostHealthConfig

/// The journal's and the hook's own health in the scrape.
enum OutputExposition {
    static func render(_ outputs: OutputStatus, into writer: inout MetricsWriter) {
        let journal = outputs.journal
        writer.family("hosthealth_journal_persistent", .gauge, help: "1 when transitions are written to the state directory and the last write succeeded, else 0.")
        writer.sample("hosthealth_journal_persistent", [:], journal.persistent && !journal.failing ? 1 : 0)
        writer.family("hosthealth_journal_write_errors_total", .counter, help: "Journal writes that failed (e.g. a full disk); the records stay in memory.")
        writer.sample("hosthealth_journal_write_errors_total", [:], Double(journal.writeErrors))
        writer.family("hosthealth_journal_dropped_transitions_total", .counter, help: "Transitions dropped unjournaled (and not given to the hook) while the journal took nothing, e.g. a hung state disk.")
        writer.sample("hosthealth_journal_dropped_transitions_total", [:], Double(journal.droppedWaiting))
        writer.family("hosthealth_journal_records_written_total", .counter, help: "Transition records written to the journal since the agent started.")
        writer.sample("hosthealth_journal_records_written_total", [:], Double(journal.recordsWritten))
        writer.family("hosthealth_journal_skipped_records", .gauge, help: "Unreadable journal records (torn by a crash) skipped when the journal was read at start.")
        writer.sample("hosthealth_journal_skipped_records", [:], Double(journal.skippedAtStart))
        writer.family("hosthealth_journal_last_transition_timestamp_seconds", .gauge, help: "Unix time of the newest transition in the journal, across restarts.")
        if let last = journal.lastTransition {
            writer.sample("hosthealth_journal_last_transition_timestamp_seconds", [:], last.secondsSinceEpoch)
        }
        writer.family("hosthealth_journal_synced_sequence", .gauge, help: "The seq of the newest journal record known to be on disk (fdatasync returned).")
        if let synced = journal.syncedSequence {
            writer.sample("hosthealth_journal_synced_sequence", [:], Double(synced))
        }
        guard let runs = outputs.hookRuns else { return }
        writer.family("hosthealth_hook_runs_total", .counter, help: "Runs of the on_transition hook by result: ok, failed (non-zero exit, signal, cannot start), timeout (killed), dropped (too many waiting).")
        for (result, count) in [("ok", runs.ok), ("failed", runs.failed), ("timeout", runs.timeout), ("dropped", runs.dropped)] {
            writer.sample("hosthealth_hook_runs_total", ["result": result], Double(count))
        }
    }
}
