package import HostHealthModel
internal import Glibc
internal import HostSystem

/// Reads the sensors for the agent: libsensors is set up on the first read, set up afresh when
/// hwmon devices came or went, and set up again after a failure (a sensors.conf being fixed).
///
/// Not `Sendable`: libsensors' global state belongs to the one thread that calls `collect`.
package final class SensorCollector {
    package let configuration: SensorsConfiguration
    private var library: Libsensors?

    package init(configuration: SensorsConfiguration = .system) {
        self.configuration = configuration
    }

    /// One read. `devicesChanged`: hwmon devices were added or removed since the last read
    /// (`events` uevents), so libsensors must enumerate the chips again.
    package func collect(cause: String, devicesChanged: Bool = false, events: Int = 0) -> SensorUpdate {
        let start = SystemClock.monotonic.seconds()
        var reinitialised = false
        do {
            if let library {
                if devicesChanged {
                    try library.reinitialise()
                    reinitialised = true
                }
            } else {
                library = try Libsensors(configuration: configuration)
                reinitialised = true
            }
        } catch {
            // A library whose re-initialisation failed holds nothing: start over next time.
            library = nil
            return SensorUpdate(
                reading: nil, error: error.message, durationSeconds: SystemClock.monotonic.seconds() - start,
                cause: cause, events: events, reinitialised: false)
        }
        var reading = library?.read()
        if let library, reading?.vanishedChips ?? 0 > 0 {
            // A chip went away without (or before) its uevent: enumerate again.
            do {
                try library.reinitialise()
                reinitialised = true
                reading = library.read()
            } catch {
                self.library = nil
                return SensorUpdate(
                    reading: nil, error: error.message, durationSeconds: SystemClock.monotonic.seconds() - start,
                    cause: cause, events: events, reinitialised: false)
            }
        }
        return SensorUpdate(
            reading: reading, durationSeconds: SystemClock.monotonic.seconds() - start, cause: cause, events: events,
            reinitialised: reinitialised,
            configurationProblems: reinitialised ? library?.configurationProblems ?? [] : [])
    }
}
