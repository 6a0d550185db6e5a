internal import Glibc

/// Reads a file whole: configuration files, the journal, `/proc` and sysfs attributes. The one
/// rule for all of them: only regular files (a path that points at a device such as
/// `/dev/zero` is refused with EINVAL, a folder with EISDIR), reads are retried on EINTR and
/// continue until end of file, a FIFO or device never blocks the open (O_NONBLOCK; it is then
/// refused as not a regular file, so a FIFO named as the config or a state file cannot hang the
/// agent), and more than `limit` bytes is refused with EFBIG, so neither a
/// device nor a runaway file can make the agent read forever.
package enum FileContents {
    package static func read(_ path: String, limit: Int) -> Result<[UInt8], Errno> {
        let fd: Int32
        let size: Int
        switch openRegular(path) {
        case .failure(let code): return .failure(code)
        case .success(let opened): (fd, size) = (opened.fd, Int(opened.status.st_size))
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        // /proc files report size 0 and sysfs attributes one page, whatever they hold: read
        // until end of file. A chunk of the reported size (a page at least) into memory that is
        // not zeroed first: most reads are sysfs attributes of a few bytes, read every second
        // on a big host, and a zero-filled 64 KiB buffer for each cost more than the read.
        let chunkSize = min(max(size + 1, 4096), 64 * 1024, limit + 1)
        while true {
            var failure: Errno?
            let chunk = [UInt8](unsafeUninitializedCapacity: chunkSize) { buffer, initialized in
                initialized = 0
                while true {
                    let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
                    if count >= 0 {
                        initialized = count
                    } else if errno == EINTR {
                        continue
                    } else {
                        failure = .current
                    }
                    return
                }
            }
            if let failure { return .failure(failure) }
            if chunk.isEmpty { return .success(bytes) }
            if bytes.isEmpty { bytes = chunk } else { bytes += chunk }
            if bytes.count > limit { return .failure(.fileTooLarge) }
        }
    }

    /// The last `count` bytes of a regular file (all of it when shorter), under the same rules
    /// as `read`: for a file too large to read whole whose newest part is what matters.
    package static func tail(_ path: String, count: Int) -> Result<[UInt8], Errno> {
        let fd: Int32
        var status: stat
        switch openRegular(path) {
        case .failure(let code): return .failure(code)
        case .success(let opened): (fd, status) = opened
        }
        defer { close(fd) }
        let start = max(0, Int(status.st_size) - count)
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size) - start)
        var filled = 0
        while filled < bytes.count {
            let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + filled, $0.count - filled, off_t(start + filled)) }
            if got < 0 {
                if errno == EINTR { continue }
                return .failure(.current)
            }
            if got == 0 { break }  // shrunk while read
            filled += got
        }
        return .success(Array(bytes[..<filled]))
    }

    /// At most `count` bytes at `offset` of a regular file, under the same rules as `read`: for
    /// binary attributes where each byte read costs (PCI config space, where every dword is a
    /// config cycle and on a VM a trap to the hypervisor). Past the end: fewer bytes, or none.
    package static func read(_ path: String, count: Int, at offset: Int) -> Result<[UInt8], Errno> {
        let fd: Int32
        switch openRegular(path) {
        case .failure(let code): return .failure(code)
        case .success(let opened): fd = opened.fd
        }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: count)
        while true {
            let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
            if got >= 0 { return .success(Array(bytes[..<got])) }
            if errno != EINTR { return .failure(.current) }
        }
    }

    /// Opens `path` for reading if it is a regular file (never blocking on a FIFO), with its status.
    private static func openRegular(_ path: String) -> Result<(fd: Int32, status: stat), Errno> {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return .failure(.current) }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            let code = Errno.current
            close(fd)
            return .failure(code)
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            return .failure(status.st_mode & S_IFMT == S_IFDIR ? .isDirectory : .invalidArgument)
        }
        return .success((fd, status))
    }
}
