internal import Glibc
internal import HostHealthCore

/// The transition journal on disk: `journal.tsv` in the state directory, appended and
/// fdatasync'ed per batch, rotated to `journal.tsv.1` past `maxBytes`, so it is bounded to
/// twice that. A line torn by `kill -9` or a crash is cut off at the next start.
struct JournalFile: Sendable {
    let directory: String
    var maxBytes = 1 << 20

    var path: String { directory + "/journal.tsv" }
    var previousPath: String { path + ".1" }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Creates the directory when missing (mode 0750).
    func prepare() throws(Failure) {
        var built = ""
        for part in directory.split(separator: "/", omittingEmptySubsequences: true) {
            built += "/" + part
            if mkdir(built, 0o750) != 0 && errno != EEXIST {
                throw Failure(description: "cannot create \(built): \(Self.errorText())")
            }
        }
    }

    /// The newest `limit` transitions of both files, oldest first; mends a torn last line.
    func load(limit: Int) -> (transitions: [Transition], skipped: Int) {
        var transitions: [Transition] = []
        var skipped = 0
        for file in [previousPath, path] {
            guard var bytes = Self.read(file) else { continue }
            if let lastNewline = bytes.lastIndex(of: UInt8(ascii: "\n")), lastNewline != bytes.count - 1 {
                // A torn record after the last complete one: drop it so appends start clean.
                if file == path { _ = truncate(file, off_t(lastNewline + 1)) }
                bytes.removeSubrange((lastNewline + 1)...)
                skipped += 1
            } else if !bytes.isEmpty, bytes.last != UInt8(ascii: "\n") {
                if file == path { _ = truncate(file, 0) }
                bytes.removeAll()
                skipped += 1
            }
            for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
                if let transition = JournalLine.decode(line) {
                    transitions.append(transition)
                } else {
                    skipped += 1
                }
            }
        }
        return (Array(transitions.suffix(limit)), skipped)
    }

    /// Appends the lines and syncs them to disk; rotates first when the file is full.
    func append(_ text: String) throws(Failure) {
        var status = stat()
        if stat(path, &status) == 0, Int(status.st_size) >= maxBytes {
            if rename(path, previousPath) != 0 {
                throw Failure(description: "cannot rotate \(path): \(Self.errorText())")
            }
        }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw Failure(description: "cannot open \(path): \(Self.errorText())") }
        defer { close(fd) }
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                let why = Self.errorText()
                // Leave no partial record behind: cut back to where this batch began.
                var after = stat()
                if fstat(fd, &after) == 0 { _ = ftruncate(fd, after.st_size - off_t(offset)) }
                throw Failure(description: "cannot write \(path): \(why)")
            }
            offset += written
        }
        if fdatasync(fd) != 0 {
            throw Failure(description: "cannot sync \(path): \(Self.errorText())")
        }
    }

    /// A regular file's bytes, up to `limit`; nil for anything else (a device, a directory).
    static func read(_ path: String, limit: Int = 16 << 20) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            bytes += chunk[..<count]
            if bytes.count >= limit { break }
        }
        return bytes
    }

    static func errorText() -> String {
        String(cString: strerror(errno))
    }
}
