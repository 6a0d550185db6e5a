internal import Glibc

/// Reads small files whole: the configuration files and the journal. Only regular files, and
/// only up to a limit, so a path that points at a device (`/dev/zero`) or a runaway file cannot
/// make the agent read forever.
enum WholeFile {
    /// Why a file could not be read: an errno, shown as its text.
    struct Failure: Error, CustomStringConvertible {
        var code: Int32

        var description: String { String(cString: strerror(code)) }
    }

    static func read(_ path: String, limit: Int) -> Result<[UInt8], Failure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(Failure(code: errno)) }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { return .failure(Failure(code: errno)) }
        guard status.st_mode & S_IFMT == S_IFREG else {
            return .failure(Failure(code: status.st_mode & S_IFMT == S_IFDIR ? EISDIR : EINVAL))
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(Failure(code: errno))
            }
            if count == 0 { return .success(bytes) }
            bytes += chunk[..<count]
            if bytes.count > limit { return .failure(Failure(code: EFBIG)) }
        }
    }
}
