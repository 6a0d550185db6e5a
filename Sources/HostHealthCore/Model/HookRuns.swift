/// How the transition hook has fared: `hosthealth_hook_runs_total{result}`.
public struct HookRuns: Sendable, Equatable {
    public var ok: UInt64 = 0
    /// Exited non-zero, killed by a signal, or could not be started.
    public var failed: UInt64 = 0
    /// Killed at its timeout.
    public var timeout: UInt64 = 0
    /// Not run: too many were waiting.
    public var dropped: UInt64 = 0

    public init(ok: UInt64 = 0, failed: UInt64 = 0, timeout: UInt64 = 0, dropped: UInt64 = 0) {
        self.ok = ok
        self.failed = failed
        self.timeout = timeout
        self.dropped = dropped
    }

    public var total: UInt64 { ok + failed + timeout + dropped }
}
