internal import Glibc
internal import HostHealthModel
internal import NIOPosix
internal import HostHealthExposition
internal import HostSystem

/// Keeps an operator's maintenance in the state directory (`maintenance.json`) so that it
/// survives a restart: written to a temporary file, synced, renamed over the old one, the
/// directory synced; removed when maintenance ends. File work runs on a thread-pool thread.
package final class MaintenanceStore: Sendable {
    let directory: String?
    private let threads: NIOThreadPool?

    var path: String? { directory.map { $0 + "/maintenance.json" } }

    /// - Parameter directory: the state directory; nil keeps maintenance in memory only.
    init(directory: String?, threads: NIOThreadPool?) {
        self.directory = directory
        self.threads = threads
    }

    /// In memory only: for `--state.dir=` and tests.
    package convenience init() {
        self.init(directory: nil, threads: nil)
    }

    /// The maintenance that held when the agent stopped; nil when none did. A file that cannot
    /// be read is an error: the operator's drain must not be silently lost.
    func load() throws(HostHealthError) -> Maintenance? {
        guard let path else { return nil }
        switch FileContents.read(path, limit: 64 * 1024) {
        case .failure(.noSuchFileOrDirectory):
            return nil
        case .failure(let code):
            throw HostHealthError(.stateFile, "cannot read \(path)", errno: code)
        case .success(let bytes):
            guard let maintenance = Maintenance(json: bytes) else {
                throw HostHealthError(.stateFile, "\(path) is not a maintenance record; remove it or run hostctl maintenance on/off again")
            }
            return maintenance
        }
    }

    /// How a save ended within the time a caller would wait for it.
    enum SaveOutcome: Sendable {
        case saved
        case failed(any Error)
        /// Still under way (a disk that does not answer): it completes when the disk does.
        case pending
    }

    /// Persists `maintenance`, waiting at most `limit` for it: the write goes on after that,
    /// in order with the writes before and after it (one thread), so the file ends as the
    /// last call asked.
    func save(_ maintenance: Maintenance?, waitingAtMost limit: Duration) async -> SaveOutcome {
        let outcome = FirstOutcome<SaveOutcome>()
        Task {
            do {
                try await save(maintenance)
                outcome.offer(.saved)
            } catch {
                outcome.offer(.failed(error))
            }
        }
        let timer = Task {
            try? await Task.sleep(for: limit)
            outcome.offer(.pending)
        }
        let result = await outcome.value
        timer.cancel()
        return result
    }

    /// Persists `maintenance` (nil: removes the record).
    func save(_ maintenance: Maintenance?) async throws {
        guard let directory, let path, let threads else { return }
        try await threads.runIfActive { () throws in
            if let maintenance {
                try Self.replace(path, with: maintenance.json(), directory: directory)
            } else if unlink(path) != 0 && errno != ENOENT {
                throw HostHealthError(.stateFile, "cannot remove \(path)", errno: .current)
            }
        }
    }

    private static func replace(_ path: String, with bytes: [UInt8], directory: String) throws(HostHealthError) {
        try StateFile.replace(path, with: bytes, directory: directory)
    }
}
