internal import Glibc
internal import HostHealthExposition
internal import HostSystem

/// The transition journal on disk: `journal.jsonl` in the state directory, one JSON record per
/// line (`JournalRecord`), appended and fdatasync'ed per batch, rotated to `journal.jsonl.1`
/// past `maxBytes`, so it is bounded to about twice that. A line torn by `kill -9` or a crash
/// is cut off at the next start; any other line that does not read is skipped and counted.
struct JournalFile: Sendable {
    let directory: String
    var maxBytes = 1 << 20

    var path: String { directory + "/journal.jsonl" }
    var previousPath: String { path + ".1" }

    /// Creates the directory when missing (mode 0750).
    func prepare() throws(HostHealthError) {
        var built = ""
        for part in directory.split(separator: "/", omittingEmptySubsequences: true) {
            built += "/" + part
            if mkdir(built, 0o750) != 0 && errno != EEXIST {
                throw HostHealthError(.stateFile, "cannot create \(built)", errno: .current)
            }
        }
    }

    /// What `load` found.
    struct Loaded {
        var records: [JournalRecord] = []
        /// Unreadable records by file.
        var skipped: [String: Int] = [:]
        /// A torn record could not be cut off: the next append must start on a new line.
        var needsNewline = false
        /// Files read only in part (larger than `readLimit`), with their size.
        var truncated: [(file: String, size: Int)] = []
    }

    /// The most of one file `load` reads: far beyond what `maxBytes` lets a file grow to, so
    /// only a file written by something else (or an older agent) is this large.
    static let readLimit = 16 << 20

    /// The newest `limit` records of both files, oldest first; cuts off a torn last record.
    func load(limit: Int) -> Loaded {
        var loaded = Loaded()
        for file in [previousPath, path] {
            var result = FileContents.read(file, limit: Self.readLimit)
            /// Where `bytes` starts in the file: past 0 when only its end was read.
            var start = 0
            if case .failure(.fileTooLarge) = result {
                // Its newest records still tell the sequence to go on from: read its end,
                // from the first whole line in it.
                var status = stat()
                let size = stat(file, &status) == 0 ? Int(status.st_size) : 0
                result = FileContents.tail(file, count: Self.readLimit).map { tail in
                    let whole = Array(tail.drop { $0 != UInt8(ascii: "\n") }.dropFirst())
                    start = size - whole.count
                    return whole
                }
                loaded.truncated.append((file, size))
            }
            guard case .success(var bytes) = result, !bytes.isEmpty else { continue }
            if bytes.last != UInt8(ascii: "\n") {
                // A record torn by a crash after the last complete one: drop it so appends
                // start clean.
                let keep = bytes.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
                bytes.removeSubrange(keep...)
                loaded.skipped[file, default: 0] += 1
                if !Self.truncate(file, to: start + keep), file == path { loaded.needsNewline = true }
            }
            for line in bytes.split(separator: UInt8(ascii: "\n")) {
                if let record = JournalRecord(line: line) {
                    loaded.records.append(record)
                } else {
                    loaded.skipped[file, default: 0] += 1
                }
            }
        }
        loaded.records = Array(loaded.records.suffix(limit))
        return loaded
    }

    /// Appends the lines and syncs them to disk; rotates first when the file is full.
    func append(_ bytes: [UInt8]) throws(HostHealthError) {
        var status = stat()
        let exists = stat(path, &status) == 0
        if exists, Int(status.st_size) >= maxBytes {
            if rename(path, previousPath) != 0 {
                throw HostHealthError(.stateFile, "cannot rotate \(path)", errno: .current)
            }
        }
        // Never through a link, even in a directory only the agent can write.
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o640)
        guard fd >= 0 else { throw HostHealthError(.stateFile, "cannot open \(path)", errno: .current) }
        defer { close(fd) }
        var bytes = bytes
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                let why = Errno.current
                // Leave no partial record behind: cut back to where this batch began.
                var after = stat()
                if fstat(fd, &after) == 0 { _ = ftruncate(fd, after.st_size - off_t(offset)) }
                throw HostHealthError(.stateFile, "cannot write \(path)", errno: why)
            }
            offset += written
        }
        if fdatasync(fd) != 0 {
            throw HostHealthError(.stateFile, "cannot sync \(path)", errno: .current)
        }
        if !exists || Int(status.st_size) >= maxBytes {
            // A new file or a rename: its directory entry must reach the disk too.
            syncDirectory()
        }
    }

    /// Cuts `file` to `length` bytes, never through a link.
    private static func truncate(_ file: String, to length: Int) -> Bool {
        let fd = open(file, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return ftruncate(fd, off_t(length)) == 0
    }

    private func syncDirectory() {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }
}
