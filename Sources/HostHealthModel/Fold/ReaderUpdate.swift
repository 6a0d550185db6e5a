/// What a reader hands over: it names its collector and knows how it folds into the snapshot.
/// The engine and `hostctl --direct` take every reader's updates through this one door, so a
/// new domain needs no new entry point in either.
package protocol ReaderUpdate: Sendable {
    /// The reader this update comes from; an update of a collector that is off is ignored.
    static var collector: Collector { get }

    /// Folds the update into the domain's data in `fold` and into its reader's `status`, and
    /// says what changed. `now` is the fold's clock (the engine's monotonic time).
    func fold(into fold: inout SnapshotFold, status: inout ReaderStatus, at now: Timestamp) -> FoldChange
}

/// What one update changed, which decides what follows: nothing, re-rendering the counters,
/// or judging again.
package enum FoldChange: Sendable, Comparable {
    /// The update was not for anything the fold keeps (a disk no longer present).
    case nothing
    /// Counters only (traffic, events, skipped input): no verdict can change.
    case counters
    /// The reader's status a verdict reads (its last success, its error) changed, the data
    /// the outputs show did not: judge again.
    case status
    /// The domain's data changed: judge again, and what shows the data is out of date.
    case data
}
