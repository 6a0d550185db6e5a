internal import Glibc
package import HostHealthModel

/// The one place the agent reads the wall clock; the core is handed its readings.
package enum WallClock {
    package static func now() -> Timestamp {
        Timestamp(secondsSinceEpoch: read(CLOCK_REALTIME))
    }

    static func read(_ clock: clockid_t) -> Double {
        var spec = timespec()
        clock_gettime(clock, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

/// Seconds since boot, counting suspend (CLOCK_BOOTTIME): the clock the engine judges on.
/// NTP stepping the wall clock at boot must not make a reader look stale or cut a hold short.
package enum BootClock {
    package static func now() -> Timestamp {
        Timestamp(secondsSinceEpoch: WallClock.read(CLOCK_BOOTTIME))
    }
}
