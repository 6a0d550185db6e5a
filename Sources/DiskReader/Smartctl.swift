public import HostHealthCore
internal import CHostHealthShims
internal import Glibc

/// Runs `smartctl --json --nocheck=standby -a /dev/X` for one disk, killed at its timeout.
/// Blocks the calling thread for at most the timeout: call it off any request path.
public struct Smartctl: Sendable {
    public var path: String
    public var timeoutSeconds: Double
    /// smartctl prints a few kB; a report larger than this is not smartctl's.
    static let outputLimit = 1 << 20

    public init(path: String, timeoutSeconds: Double) {
        self.path = path
        self.timeoutSeconds = timeoutSeconds
    }

    /// The command line for `disk` (a kernel name such as `sda`). `--nocheck=standby` leaves a
    /// sleeping disk asleep (smartctl then exits with bit 1 and says STANDBY).
    public func arguments(disk: String) -> [String] {
        [path, "--json", "--nocheck=standby", "-a", "/dev/\(disk)"]
    }

    public func run(disk: String) -> SmartAttempt {
        guard !disk.isEmpty, !disk.contains("/") else { return .cannotRun("'\(disk)' is not a disk name") }
        let arguments = arguments(disk: disk)
        var cStrings: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        cStrings.append(nil)
        defer { for pointer in cStrings { free(pointer) } }
        var output = [UInt8](repeating: 0, count: Self.outputLimit)
        var length = 0
        var status: Int32 = 0
        var timedOut: Int32 = 0
        let timeout = Int32(clamping: Int((timeoutSeconds * 1000).rounded(.up)))
        let result = output.withUnsafeMutableBufferPointer { buffer in
            cStrings.withUnsafeBufferPointer { argv in
                hh_run_with_deadline(path, argv.baseAddress, timeout, buffer.baseAddress, buffer.count, &length, &status, &timedOut)
            }
        }
        if result == -ENOENT {
            return .cannotRun("smartctl not found at \(path); install smartmontools or set smart.smartctl")
        }
        if result == -EACCES || result == -EPERM {
            return .cannotRun("no permission to run \(path)")
        }
        if result < 0 {
            return .cannotRun("cannot run \(path): \(String(cString: strerror(-result)))")
        }
        if timedOut != 0 { return .timedOut(seconds: timeoutSeconds) }
        return .output(Array(output[..<length]))
    }
}
