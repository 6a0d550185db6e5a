internal import CSystemShims
internal import Glibc
internal import Synchronization
package import HostSystem

/// A program run to completion with a deadline: hooks, smartctl, anything else the agent must
/// start and must never wait for without bound. It runs in a process group of its own, with
/// exactly the environment given; at the deadline the whole group is killed (SIGKILL), so a
/// hook that forked a sleeper leaves nothing behind. stdout and stderr are kept up to
/// `outputLimit` bytes each; the rest is read and dropped so the child never blocks on a full
/// pipe.
///
/// `run()` blocks its thread until the child has exited and been reaped: call it on a
/// thread-pool thread, never on an event loop or the cooperative pool.
package struct ChildProcess: Sendable {
    package var path: String
    /// argv[1...]; argv[0] is `path`.
    package var arguments: [String]
    /// The child's whole environment: nothing of the agent's is inherited.
    package var environment: [String: String]
    package var timeoutSeconds: Double
    package var outputLimit: Int

    package init(path: String, arguments: [String] = [], environment: [String: String] = [:], timeoutSeconds: Double, outputLimit: Int = 16 * 1024) {
        self.path = path
        self.arguments = arguments
        self.environment = environment
        self.timeoutSeconds = timeoutSeconds
        self.outputLimit = outputLimit
    }

    package enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
        /// Killed at the deadline.
        case timedOut
    }

    package struct Result: Sendable, Equatable {
        package var termination: Termination
        package var output: [UInt8]
        package var errorOutput: [UInt8]
        package var seconds: Double

        package var succeeded: Bool { termination == .exited(0) }
    }

    /// The program could not be started at all: `.cannotRun` with the errno as its cause.
    static func cannotRun(_ path: String, _ code: Errno, file: String = #fileID, line: Int = #line) -> HostHealthError {
        HostHealthError(
            .cannotRun, "cannot run \(path): \(code)" + (code == .noSuchFileOrDirectory ? " (no such file)" : ""),
            cause: code, file: file, line: line)
    }

    /// Children `run()` started and has not reaped. Any other child of this process in a process
    /// group not its own is a descendant that left its group (setsid) and, with
    /// `adoptEscapedDescendants()`, was reparented here when its parent died.
    static let started = Mutex<Set<Int32>>([])
    private static let adopting = Atomic<Bool>(false)

    /// Makes this process the subreaper of everything it starts: a hook's child that `setsid`s
    /// out of the process group escaped the kill at the deadline and outlived the agent. Now it
    /// is reparented here, killed with the rest at a deadline or at `terminateAll()`, and reaped.
    package static func adoptEscapedDescendants() -> Errno? {
        let result = hh_become_child_subreaper()
        guard result == 0 else { return Errno(rawValue: -result) }
        adopting.store(true, ordering: .relaxed)
        return nil
    }

    /// At shutdown: kills every child still running, with its process group and whatever
    /// escaped it, so no hook outlives the agent.
    package static func terminateAll() {
        started.withLock { pids in
            terminating.store(true, ordering: .relaxed)
            for pid in pids { kill(-pid, SIGKILL) }
        }
        // What escaped a group is reparented here only once its parent has died: wait for the
        // killed children (their runs reap them) for a moment, then sweep.
        let deadline = SystemClock.monotonic.seconds() + 1
        while !started.withLock({ $0.isEmpty }), SystemClock.monotonic.seconds() < deadline { usleep(5_000) }
        sweepEscaped(kill: true)
    }

    /// Set by `terminateAll()`: nothing more is started. Set and read under `started`'s lock,
    /// so no spawn slips in after the kill.
    private static let terminating = Atomic<Bool>(false)

    /// When the last sweep that only reaped ran, on the monotonic clock in ms.
    private static let lastReap = Atomic<Int64>(Int64.min)

    /// Reaps adopted descendants that have exited and, with `kill`, kills those still running.
    /// It reads every `/proc/PID/stat` (`/proc/self/task/*/children` is not in every kernel),
    /// so a sweep only to reap runs at most every 10 s; one that kills always runs.
    private static func sweepEscaped(kill killing: Bool) {
        guard adopting.load(ordering: .relaxed) else { return }
        let now = Int64(SystemClock.monotonic.seconds() * 1000)
        if !killing {
            let last = lastReap.load(ordering: .relaxed)
            guard last == Int64.min || now - last >= 10_000,
                  lastReap.compareExchange(expected: last, desired: now, ordering: .relaxed).exchanged else { return }
        }
        guard let proc = opendir("/proc") else { return }
        defer { closedir(proc) }
        let me = getpid(), myGroup = getpgrp()
        // Under the lock only to tell adopted descendants from children being started; the
        // kill is immediate, the wait for it to die is outside.
        let killed = started.withLock { started -> [Int32] in
            var killed: [Int32] = []
            while let entry = readdir(proc) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                // state, ppid, pgrp follow the command name in parentheses.
                guard let pid = Int32(name), !started.contains(pid),
                      case .success(let stat) = SysfsAttribute.read("/proc/\(pid)/stat"),
                      let fields = stat.split(separator: ")").last?.split(separator: " "), fields.count > 2,
                      Int32(fields[1]) == me, Int32(fields[2]) != myGroup else { continue }
                var status: Int32 = 0
                if killing && fields[0] != "Z" {
                    kill(pid, SIGKILL)
                    killed.append(pid)
                } else {
                    _ = waitpid(pid, &status, WNOHANG)
                }
            }
            return killed
        }
        // Each dies within microseconds unless it waits on a disk: reap it now, or later.
        for pid in killed {
            var status: Int32 = 0
            var reaped = false
            for _ in 0..<20 where !reaped {
                reaped = waitpid(pid, &status, WNOHANG) == pid
                if !reaped { usleep(5_000) }
            }
            if !reaped { abandoned.withLock { $0.append(pid) } }
        }
    }

    /// How long a killed child may take to die before it is left to a later run to reap.
    static let killGraceSeconds = 5.0
    /// Children killed at their deadline that had not died yet.
    static let abandoned = Mutex<[Int32]>([])

    package func run() throws(HostHealthError) -> Result {
        Self.reapAbandoned()
        let started = SystemClock.monotonic.seconds()
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        let outOpened = hh_pipe(&outPipe)
        guard outOpened == 0 else { throw Self.cannotRun(path, Errno(rawValue: -outOpened)) }
        let errOpened = hh_pipe(&errPipe)
        guard errOpened == 0 else {
            close(outPipe[0]); close(outPipe[1])
            throw Self.cannotRun(path, Errno(rawValue: -errOpened))
        }
        var timedOut = false
        var pid = spawnRecorded(stdout: outPipe[1], stderr: errPipe[1])
        // ETXTBSY: the program was just written and some other fork of this process still
        // holds it open for writing for a moment (a hook script being replaced, a test's
        // script). It passes within milliseconds.
        for attempt in 1...5 where pid == -ETXTBSY {
            usleep(UInt32(attempt) * 10_000)
            pid = spawnRecorded(stdout: outPipe[1], stderr: errPipe[1])
        }
        defer {
            Self.started.withLock { _ = $0.remove(pid) }
            Self.sweepEscaped(kill: timedOut)
        }
        close(outPipe[1])
        close(errPipe[1])
        guard pid > 0 else {
            close(outPipe[0]); close(errPipe[0])
            throw Self.cannotRun(path, Errno(rawValue: -pid))
        }
        var output = Capture(fd: outPipe[0], limit: outputLimit)
        var errorOutput = Capture(fd: errPipe[0], limit: outputLimit)
        let exitFD = hh_pidfd_open(pid)
        let deadline = started + timeoutSeconds
        var status: Int32 = 0
        var reaped = false
        while true {
            let remaining = deadline - SystemClock.monotonic.seconds()
            if remaining <= 0 {
                // The whole group: whatever the program started dies with it.
                kill(-pid, SIGKILL)
                timedOut = true
                break
            }
            var fds = [
                pollfd(fd: exitFD, events: Int16(POLLIN), revents: 0),
                pollfd(fd: output.fd, events: Int16(POLLIN), revents: 0),
                pollfd(fd: errorOutput.fd, events: Int16(POLLIN), revents: 0),
            ]
            // Without a pidfd (old kernel), poll the exit every 10 ms.
            let waitMs = Int32(min(remaining * 1000, exitFD < 0 ? 10 : 60_000).rounded(.up))
            let ready = poll(&fds, nfds_t(fds.count), waitMs)
            if ready < 0 && errno != EINTR { break }
            output.drain()
            errorOutput.drain()
            if exitFD >= 0 {
                if fds[0].revents != 0 { break }
            } else if waitpid(pid, &status, WNOHANG) == pid {
                reaped = true
                break
            }
        }
        if timedOut && !reaped && !Self.exits(pid, exitFD: exitFD, within: Self.killGraceSeconds) {
            // SIGKILL waits for an I/O the kernel cannot interrupt (a dying disk puts smartctl
            // in D state): do not block this thread on it; a later run reaps it.
            Self.abandoned.withLock { $0.append(pid) }
            reaped = true
        }
        while !reaped && waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        output.drain()
        errorOutput.drain()
        output.close()
        errorOutput.close()
        if exitFD >= 0 { close(exitFD) }
        let termination: Termination
        if timedOut {
            termination = .timedOut
        } else if status & 0x7f == 0 {
            termination = .exited((status >> 8) & 0xff)
        } else {
            termination = .signalled(status & 0x7f)
        }
        return Result(
            termination: termination, output: output.bytes, errorOutput: errorOutput.bytes,
            seconds: SystemClock.monotonic.seconds() - started)
    }

    /// Spawns and records the child in one step, so a sweep never sees it unrecorded.
    private func spawnRecorded(stdout: Int32, stderr: Int32) -> Int32 {
        Self.started.withLock { started in
            guard !Self.terminating.load(ordering: .relaxed) else { return -ECANCELED }
            let pid = spawn(stdout: stdout, stderr: stderr)
            if pid > 0 { started.insert(pid) }
            return pid
        }
    }

    private func spawn(stdout: Int32, stderr: Int32) -> Int32 {
        var argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        return hh_spawn(path, &argv, &envp, stdout, stderr)
    }

    /// Whether `pid` exits within `seconds`.
    private static func exits(_ pid: Int32, exitFD: Int32, within seconds: Double) -> Bool {
        let deadline = SystemClock.monotonic.seconds() + seconds
        while true {
            if exitFD >= 0 {
                var exit = pollfd(fd: exitFD, events: Int16(POLLIN), revents: 0)
                let left = max(0, deadline - SystemClock.monotonic.seconds())
                if poll(&exit, 1, Int32((left * 1000).rounded(.up))) > 0 { return true }
            } else {
                // No pidfd (an old kernel): reaping it here is fine, its status no longer counts.
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid { return true }
                usleep(10_000)
            }
            if SystemClock.monotonic.seconds() >= deadline { return false }
        }
    }

    private static func reapAbandoned() {
        abandoned.withLock { pids in
            var status: Int32 = 0
            pids.removeAll { waitpid($0, &status, WNOHANG) == $0 }
        }
    }

    /// One pipe's output, kept up to a limit.
    private struct Capture {
        var fd: Int32
        let limit: Int
        var bytes: [UInt8] = []

        init(fd: Int32, limit: Int) {
            self.fd = fd
            self.limit = limit
        }

        mutating func drain() {
            guard fd >= 0 else { return }
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    bytes += chunk[..<min(count, max(0, limit - bytes.count))]
                    continue
                }
                if count < 0 && errno == EINTR { continue }
                if count == 0 { close() }  // EOF: nobody holds the write end any more
                return
            }
        }

        mutating func close() {
            guard fd >= 0 else { return }
            Glibc.close(fd)
            fd = -1
        }
    }
}
