package import HostHealthModel
package import HostHealthPolicy
package import HostHealthExposition
internal import Logging
internal import NIOPosix

/// The transition journal: what changed, when and why, kept in memory for `/events` and
/// persisted to the state directory when there is one. Disk writes run on a thread-pool thread,
/// so a slow or full disk never blocks the engine or a scrape; a failed write is logged and the
/// record stays in memory. Records enter memory when the engine makes them (`remember`), not
/// when the disk takes them (`persist`), so `/events` shows them while the disk hangs.
package actor TransitionJournal {
    /// How many transitions `/events` can show.
    package static let memoryLimit = 2000

    private nonisolated let recent = RecentTransitions(limit: TransitionJournal.memoryLimit)
    /// The newest record known to be on disk (fdatasync returned).
    private var syncedSequence: UInt64?
    private let file: JournalFile?
    private let threads: NIOThreadPool?
    private let logger: Logger
    private var failing = false
    /// The file ends in a torn record that could not be cut off.
    private var needsNewline = false
    package private(set) var writeErrors: UInt64 = 0
    private var recordsWritten: UInt64 = 0
    private var skippedAtStart: UInt64 = 0
    private var usable: Bool
    /// The queue that feeds this journal, for the transitions it dropped.
    private let queue: TransitionQueue?

    /// - Parameter directory: the state directory; nil keeps the journal in memory only.
    init(directory: String?, threads: NIOThreadPool?, queue: TransitionQueue? = nil, logger: Logger) {
        self.file = directory.map { JournalFile(directory: $0) }
        self.threads = threads
        self.queue = queue
        self.logger = logger
        self.usable = directory != nil
    }

    /// In memory only: for `--state.dir=` and tests.
    package init() {
        self.init(directory: nil, threads: nil, logger: Logger(label: "journal", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    /// Reads what earlier runs recorded. Returns false when the directory cannot be used.
    func open() async -> Bool {
        guard let file, let threads else { return true }
        do {
            let loaded = try await threads.runIfActive { () throws -> JournalFile.Loaded in
                try file.prepare()
                return file.load(limit: Self.memoryLimit)
            }
            // Records made before the files were read (none in the agent) follow the old ones.
            recent.seed(loaded.records)
            syncedSequence = loaded.records.last?.sequence
            needsNewline = loaded.needsNewline
            for (path, size) in loaded.truncated {
                logger.warning("journal: file too large to read whole; read its newest records only", metadata: [
                    "file": "\(path)", "bytes": "\(size)", "read": "\(JournalFile.readLimit)",
                ])
            }
            for (path, count) in loaded.skipped.sorted(by: { $0.key < $1.key }) {
                skippedAtStart += UInt64(count)
                logger.warning("journal: skipped unreadable records", metadata: ["count": "\(count)", "file": "\(path)"])
            }
            return true
        } catch {
            usable = false
            failing = true
            logger.error("journal: state directory unusable; transitions are kept in memory only", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Records a batch: at once in memory, then on disk.
    package func record(_ transitions: [Transition]) async {
        await persist(remember(transitions))
    }

    /// Numbers a batch and keeps it in memory, where `/events` sees it at once; `persist`
    /// writes it later, in the same order.
    package nonisolated func remember(_ transitions: [Transition]) -> [JournalRecord] {
        recent.append(transitions)
    }

    /// Writes records `remember` numbered to the state directory, if there is one.
    package func persist(_ records: [JournalRecord]) async {
        guard !records.isEmpty, let file, let threads else { return }
        let bytes = (needsNewline ? [UInt8(ascii: "\n")] : []) + records.flatMap { $0.line() }
        do {
            try await threads.runIfActive { try file.append(bytes) }
            syncedSequence = records.last?.sequence
            needsNewline = false
            recordsWritten += UInt64(records.count)
            usable = true
            if failing {
                failing = false
                logger.info("journal: writing again", metadata: ["file": "\(file.path)"])
            }
        } catch {
            writeErrors += 1
            if !failing {
                failing = true
                logger.error("journal: cannot persist transitions; keeping them in memory", metadata: ["error": "\(error)"])
            }
        }
    }

    /// The journal's own health, for the scrape.
    package var status: JournalStatus {
        JournalStatus(
            persistent: usable, failing: failing, writeErrors: writeErrors, recordsWritten: recordsWritten,
            skippedAtStart: skippedAtStart, lastTransition: recent.newest?.transition.at, syncedSequence: syncedSequence,
            droppedWaiting: queue?.dropped ?? 0)
    }

    /// Records at or after `since`, oldest first, written to disk or not.
    package nonisolated func events(since: Timestamp? = nil) -> [JournalRecord] {
        recent.records(since: since)
    }
}
