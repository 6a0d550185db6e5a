internal import Glibc

/// Whether a file descriptor is the stream systemd connected to journald. systemd sets
/// `JOURNAL_STREAM=<device>:<inode>` for a service whose output goes to the journal; the
/// variable is inherited by children and survives a redirection, so it counts only when the
/// descriptor really is that stream (sd_journal_stream_fd(3), systemd.exec(5)).
package enum JournalStream {
    /// - Parameter variable: the value of `JOURNAL_STREAM`, if set.
    package static func isConnected(_ fd: Int32, variable: String?) -> Bool {
        guard let variable, let (device, inode) = parse(variable) else { return false }
        var status = stat()
        guard fstat(fd, &status) == 0 else { return false }
        return UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode
    }

    /// `"8:123"` → (8, 123); the two decimal numbers systemd writes, nothing else.
    static func parse(_ variable: String) -> (UInt64, UInt64)? {
        let parts = variable.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return nil }
        return (device, inode)
    }
}
