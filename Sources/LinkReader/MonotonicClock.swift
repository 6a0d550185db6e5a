internal import Glibc

/// Seconds on CLOCK_MONOTONIC, for durations and deadlines that wall-clock jumps must not move.
enum MonotonicClock {
    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
