package import HostHealthModel

/// The exit codes of `hostctl status` and `hostctl check`, so scripts can branch on them.
package enum StatusExitCode {
    package static func forState(_ state: HealthState) -> Int32 {
        switch state {
        case .ok: 0
        case .converging, .degraded: 1
        case .failed: 2
        case .unknown: 3
        }
    }

    /// The agent could not be reached: as unknown.
    package static let unreachable: Int32 = 3
}
