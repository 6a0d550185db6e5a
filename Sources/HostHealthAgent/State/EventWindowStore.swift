internal import Glibc
internal import HostHealthExposition
internal import HostHealthModel
internal import HostHealthPolicy
internal import HostSystem
internal import Logging
internal import NIOPosix
internal import Synchronization

/// Keeps the error windows (`HealthMemory.windows`) and the drift deadlines' starts in the
/// state directory, `error-windows.json`, so that rates judged over hours and a replacement's
/// deadline survive a restart: a restart must not forgive a DIMM, nor a stalled rebuild. Loaded once at start; saved after every evaluation that changed them, on a
/// thread of its own (write to a temporary file, fsync, rename, fsync the directory), never
/// waited for: while a write is under way (a state disk hung in fsync), newer windows replace
/// the waiting ones and only the latest is written. A missing file is a first start; one that
/// does not read is logged and set aside as `error-windows.json.bad`, and the windows start
/// empty (the counters' since-boot values are then counted as `EventWindow` says).
final class EventWindowStore: Sendable {
    static let fileName = "error-windows.json"
    let directory: String?
    private let logger: Logger
    private let thread: NIOThreadPool?
    private let pending = Mutex<(record: EventWindowsRecord?, writing: Bool)>((nil, false))
    /// Writes done and failed, for tests and the log.
    let writes = Atomic<Int>(0)

    var path: String? { directory.map { $0 + "/" + Self.fileName } }

    /// - Parameter directory: the state directory; nil keeps the windows in memory only.
    init(directory: String?, logger: Logger) {
        self.directory = directory
        self.logger = logger
        if directory != nil {
            let pool = NIOThreadPool(numberOfThreads: 1)
            pool.start()
            thread = pool
        } else {
            thread = nil
        }
    }

    func shutdown() {
        thread?.shutdownGracefully { _ in }
    }

    /// This boot's id (`/proc/sys/kernel/random/boot_id`): the windows' instants and the
    /// kernel's counters belong to one boot.
    static func currentBootID() -> String? {
        SysfsAttribute.text("/proc/sys/kernel/random/boot_id").map { $0.trimmingWhitespace }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// What was saved before the restart, as this boot reads it.
    struct Restored: Equatable {
        var windows: EventWindows = [:]
        var driftSince: [String: Timestamp] = [:]
    }

    /// The windows and drift starts saved before the restart, as this boot reads them; empty
    /// when there are none or they cannot be read (logged).
    func load(bootID: String?, now: Timestamp, wall: Timestamp) -> Restored {
        guard let path else { return Restored() }
        switch FileContents.read(path, limit: 16 << 20) {
        case .failure(.noSuchFileOrDirectory):
            return Restored()
        case .failure(let code):
            logger.error("error windows unreadable; rates start without their history", metadata: ["file": "\(path)", "error": "\(code)"])
            return Restored()
        case .success(let bytes):
            guard let record = EventWindowsRecord(json: bytes) else {
                logger.error("error windows file is damaged; set aside, rates start without their history", metadata: [
                    "file": "\(path)", "moved_to": "\(path).bad",
                ])
                rename(path, path + ".bad")
                return Restored()
            }
            let windows = record.restored(bootID: bootID, now: now, wall: wall)
            let rebooted = record.bootID != bootID
            logger.info("error windows restored", metadata: [
                "windows": "\(windows.count)", "drift_deadlines": "\(record.driftSince.count)",
                "from": rebooted ? "the previous boot" : "this boot",
            ])
            return Restored(windows: windows, driftSince: record.restoredDriftSince(bootID: bootID, now: now, wall: wall))
        }
    }

    /// Saves `record` in the background; returns at once.
    func save(_ record: EventWindowsRecord) {
        guard let thread, let path, let directory else { return }
        let start = pending.withLock { state -> Bool in
            state.record = record
            if state.writing { return false }
            state.writing = true
            return true
        }
        guard start else { return }
        thread.submit { [self] _ in
            while let next = pending.withLock({ state -> EventWindowsRecord? in
                defer { state.record = nil }
                if state.record == nil { state.writing = false }
                return state.record
            }) {
                do {
                    try StateFile.replace(path, with: next.json(), directory: directory)
                    writes.add(1, ordering: .relaxed)
                } catch {
                    logger.warning("error windows not saved; kept in memory, saved with the next change", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}

/// Replacing a small state file whole, so a crash leaves the old one or the new one: written
/// to a temporary file beside it, synced, renamed over it, the directory synced.
enum StateFile {
    static func replace(_ path: String, with bytes: [UInt8], directory: String) throws(HostHealthError) {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o640)
        guard fd >= 0 else { throw HostHealthError(.stateFile, "cannot create \(temporary)", errno: .current) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                let why = Errno.current
                close(fd)
                unlink(temporary)
                throw HostHealthError(.stateFile, "cannot write \(temporary)", errno: why)
            }
            written += count
        }
        let synced = fsync(fd) == 0
        let why = Errno.current
        close(fd)
        guard synced, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw HostHealthError(.stateFile, "cannot save \(path)", errno: synced ? .current : why)
        }
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
    }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        String(self.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
