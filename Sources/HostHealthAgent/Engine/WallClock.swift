internal import Glibc
public import HostHealthCore

/// The one place the agent reads the wall clock; the core is handed its readings.
public enum WallClock {
    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(secondsSinceEpoch: Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9)
    }
}
