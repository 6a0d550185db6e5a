internal import Glibc

/// The clocks the agent reads, in seconds as a `Double`. The one place `clock_gettime` is
/// called; the pure modules are handed readings, never a clock.
package enum SystemClock: Sendable {
    /// CLOCK_MONOTONIC: for durations and deadlines, which wall-clock jumps must not move.
    case monotonic
    /// CLOCK_BOOTTIME: like monotonic, but counting suspend; NTP stepping the wall clock at
    /// boot does not move it.
    case boot
    /// CLOCK_REALTIME: wall-clock time since the Unix epoch, for timestamps people read.
    case realtime

    package func seconds() -> Double {
        let id: clockid_t = switch self {
        case .monotonic: CLOCK_MONOTONIC
        case .boot: CLOCK_BOOTTIME
        case .realtime: CLOCK_REALTIME
        }
        var spec = timespec()
        clock_gettime(id, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
