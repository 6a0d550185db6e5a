package import HostHealthModel
package import HostHealthPolicy
package import HostHealthConfig
internal import Logging
internal import NIOPosix
internal import Spawn

/// Runs the `hooks.on_transition` program once per transition, off the engine: at most
/// `maxRunning` at once on threads of their own, at most `queueLimit` waiting; beyond that a
/// transition's hook is dropped and counted, so a burst of a thousand transitions never starts
/// a thousand processes and never blocks the agent. Each run is killed at the configured
/// timeout. Outcomes are counted for `hosthealth_hook_runs_total{result}` and failures logged.
package actor HookRunner {
    package static let maxRunning = 4
    package static let queueLimit = 256

    private var config: HookConfig
    private let threads: NIOThreadPool
    /// The pool starts with the first run: a host without a hook keeps no idle threads for it.
    private var threadsStarted = false
    private let logger: Logger
    private var waiting: [ChildProcess] = []
    private var waitingStart = 0
    package private(set) var running = 0
    /// The most hooks that ever ran at once.
    package private(set) var peakRunning = 0
    package private(set) var runs = HookRuns()

    /// - Parameter threads: `maxRunning` threads for the children (each blocks one while it
    ///   waits); started here when the first hook runs.
    init(config: HookConfig, threads: NIOThreadPool, logger: Logger) {
        self.config = config
        self.threads = threads
        self.logger = logger
    }

    /// The counters, or nil when no hook is configured (nothing to count).
    package var configuredRuns: HookRuns? {
        config.onTransition == nil && runs.total == 0 ? nil : runs
    }

    /// Takes a new `hooks:` section (SIGHUP); runs already started finish as they were.
    package func reload(_ config: HookConfig) {
        self.config = config
    }

    /// Queues one run per transition, with the host's verdict at the time.
    package func submit(_ transitions: [Transition], host: HostHealth) {
        guard let path = config.onTransition else { return }
        for transition in transitions {
            let child = ChildProcess(
                path: path, environment: Self.environment(transition, host: host), timeoutSeconds: config.timeoutSeconds)
            if running < Self.maxRunning {
                start(child)
            } else if waiting.count - waitingStart < Self.queueLimit {
                waiting.append(child)
            } else {
                runs.dropped += 1
                if runs.dropped == 1 || runs.dropped % 100 == 0 {
                    logger.warning("hook: too many transitions at once; dropped", metadata: ["dropped_total": "\(runs.dropped)", "hook": "\(path)"])
                }
            }
        }
    }

    /// What the hook program gets: the facts of one transition, and a plain PATH.
    static func environment(_ transition: Transition, host: HostHealth) -> [String: String] {
        [
            "HOSTHEALTH_COMPONENT": transition.component?.description ?? "host",
            "HOSTHEALTH_KIND": transition.component?.kind.rawValue ?? "host",
            "HOSTHEALTH_NAME": transition.name,
            "HOSTHEALTH_FROM": transition.from?.rawValue ?? "",
            "HOSTHEALTH_TO": transition.to.rawValue,
            "HOSTHEALTH_REASON": transition.reason,
            "HOSTHEALTH_EVENT": transition.event ?? "",
            "HOSTHEALTH_HOST_STATE": host.state.rawValue,
            "HOSTHEALTH_CAPACITY": String(host.capacity),
            "HOSTHEALTH_MAINTENANCE": host.maintenance ?? "",
            "HOSTHEALTH_TIME": transition.at.rfc3339,
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        ]
    }

    private func start(_ child: ChildProcess) {
        if !threadsStarted {
            threads.start()
            threadsStarted = true
        }
        running += 1
        peakRunning = max(peakRunning, running)
        let threads = self.threads
        Task {
            let outcome: Result<ChildProcess.Result, any Error>
            do {
                outcome = .success(try await threads.runIfActive { try child.run() })
            } catch {
                outcome = .failure(error)
            }
            self.finished(child, outcome)
        }
    }

    private func finished(_ child: ChildProcess, _ outcome: Result<ChildProcess.Result, any Error>) {
        running -= 1
        switch outcome {
        case .success(let result) where result.succeeded:
            runs.ok += 1
        case .success(let result):
            let stderr = String(decoding: result.errorOutput.suffix(300), as: UTF8.self)
            if result.termination == .timedOut {
                runs.timeout += 1
                logger.warning("hook: killed at its timeout", metadata: [
                    "hook": "\(child.path)", "timeout": "\(child.timeoutSeconds)", "stderr": "\(stderr)",
                ])
            } else {
                runs.failed += 1
                logger.warning("hook: failed", metadata: [
                    "hook": "\(child.path)", "termination": "\(result.termination)", "stderr": "\(stderr)",
                ])
            }
        case .failure(let error):
            runs.failed += 1
            logger.error("hook: cannot run", metadata: ["hook": "\(child.path)", "error": "\(error)"])
        }
        if waitingStart < waiting.count {
            let next = waiting[waitingStart]
            waitingStart += 1
            if waitingStart > 64, waitingStart * 2 > waiting.count {
                waiting.removeFirst(waitingStart)
                waitingStart = 0
            }
            start(next)
        }
    }
}
