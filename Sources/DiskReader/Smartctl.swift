package import HostHealthModel
internal import Spawn
internal import Glibc
internal import HostSystem

/// Runs `smartctl --json --nocheck=standby -a /dev/X` for one disk, killed at its timeout.
/// Blocks the calling thread for at most the timeout: call it off any request path.
package struct Smartctl: Sendable {
    package var path: String
    package var timeoutSeconds: Double
    /// smartctl prints a few kB; a report larger than this is not smartctl's.
    static let outputLimit = 1 << 20

    package init(path: String, timeoutSeconds: Double) {
        self.path = path
        self.timeoutSeconds = timeoutSeconds
    }

    /// The command line for `disk` (a kernel name such as `sda`). `--nocheck=standby` leaves a
    /// sleeping disk asleep (smartctl then exits with bit 1 and says STANDBY).
    package func arguments(disk: String) -> [String] {
        [path, "--json", "--nocheck=standby", "-a", "/dev/\(disk)"]
    }

    package func run(disk: String) -> SmartAttempt {
        guard !disk.isEmpty, !disk.contains("/") else { return .cannotRun("'\(disk)' is not a disk name") }
        let arguments = arguments(disk: disk)
        // A fixed, plain environment: messages in English for the parser, nothing of the agent's.
        let child = ChildProcess(
            path: path, arguments: Array(arguments.dropFirst()),
            environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C"],
            timeoutSeconds: timeoutSeconds, outputLimit: Self.outputLimit)
        do {
            let result = try child.run()
            if result.termination == .timedOut { return .timedOut(seconds: timeoutSeconds) }
            return SmartAttempt(smartctlOutput: result.output)
        } catch {
            switch error.errno {
            case .noSuchFileOrDirectory?: return .notInstalled("smartctl not found at \(path); install smartmontools or set smart.smartctl")
            case .permissionDenied?, .notPermitted?: return .cannotRun("no permission to run \(path)")
            default: return .cannotRun(error.errno.map { "cannot run \(path): \($0)" } ?? error.message)
            }
        }
    }
}

extension SmartAttempt {
    /// What smartctl printed, parsed: its report, or why it is not one.
    package init(smartctlOutput bytes: [UInt8]) {
        do {
            self = .report(try SmartReport(json: bytes))
        } catch {
            self = .unreadable(error.message)
        }
    }
}
