internal import Glibc

/// The agent's state directory (the journal, the maintenance record) must be its own: a
/// directory another user can write lets that user plant a symlink where the agent, perhaps
/// running as root, appends, truncates or renames — or forge a maintenance record. So it must be
/// owned by the agent's user or root, and writable by neither its group nor others.
package enum StateDirectory {
    /// Throws, saying why and what to do, when `path` exists and is not a directory only the
    /// agent's user (or root) can write.
    package static func check(_ path: String) throws(HostHealthError) {
        var status = stat()
        guard stat(path, &status) == 0 else {
            // Nothing there to protect: the journal says it cannot create it, and keeps to memory.
            if errno == ENOENT { return }
            throw HostHealthError(.unsafeStateDirectory, "cannot inspect the state directory \(path)", errno: .current)
        }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            throw HostHealthError(.unsafeStateDirectory, "the state directory \(path) is not a directory")
        }
        let agent = geteuid()
        let fix = "make it owned by the agent's user and mode 0750 (chown; chmod 0750), or choose another with --state.dir"
        guard status.st_uid == agent || status.st_uid == 0 else {
            throw HostHealthError(
                .unsafeStateDirectory,
                "the state directory \(path) is owned by uid \(status.st_uid), not by the agent's user (uid \(agent)) or root; \(fix)")
        }
        let mode = status.st_mode & 0o7777
        guard mode & 0o022 == 0 else {
            throw HostHealthError(
                .unsafeStateDirectory,
                "the state directory \(path) is writable by its group or by others (mode 0\(String(mode, radix: 8))): "
                    + "they could plant links where the agent writes; \(fix)")
        }
    }
}
