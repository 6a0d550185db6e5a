/// How the transition hook has fared: `hosthealth_hook_runs_total{result}`.
package struct HookRuns: Sendable, Equatable {
    package var ok: UInt64 = 0
    /// Exited non-zero, killed by a signal, or could not be started.
    package var failed: UInt64 = 0
    /// Killed at its timeout.
    package var timeout: UInt64 = 0
    /// Not run: too many were waiting.
    package var dropped: UInt64 = 0

    package init(ok: UInt64 = 0, failed: UInt64 = 0, timeout: UInt64 = 0, dropped: UInt64 = 0) {
        self.ok = ok
        self.failed = failed
        self.timeout = timeout
        self.dropped = dropped
    }

    package var total: UInt64 { ok + failed + timeout + dropped }
}
