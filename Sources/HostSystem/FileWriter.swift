internal import Glibc

/// Writes a small text file whole, as `hostctl` writes a baseline: to a temporary file beside
/// it, synced, then renamed over, so a reader (the agent on SIGHUP) never sees half of it.
package enum FileWriter {
    /// - Parameter replace: when false, an existing file is refused (`EEXIST`).
    package static func write(_ bytes: [UInt8], to path: String, replace: Bool, mode: UInt32 = 0o644) -> Result<Void, Errno> {
        if !replace, access(path, F_OK) == 0 { return .failure(.fileExists) }
        let temporary = "\(path).tmp.\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode))
        guard fd >= 0 else { return .failure(.current) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                let failure = Errno.current
                close(fd)
                unlink(temporary)
                return .failure(failure)
            }
            offset += written
        }
        guard fsync(fd) == 0, close(fd) == 0 else {
            let failure = Errno.current
            unlink(temporary)
            return .failure(failure)
        }
        guard rename(temporary, path) == 0 else {
            let failure = Errno.current
            unlink(temporary)
            return .failure(failure)
        }
        return .success(())
    }
}
