internal import HostSystem
package import HostHealthModel

/// The one place the agent reads the wall clock; the core is handed its readings.
package enum WallClock {
    package static func now() -> Timestamp {
        Timestamp(secondsSinceEpoch: SystemClock.realtime.seconds())
    }
}

/// Seconds since boot, counting suspend (CLOCK_BOOTTIME): the clock the engine judges on.
/// NTP stepping the wall clock at boot must not make a reader look stale or cut a hold short.
package enum BootClock {
    package static func now() -> Timestamp {
        Timestamp(secondsSinceEpoch: SystemClock.boot.seconds())
    }
}
