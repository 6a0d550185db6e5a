/// One read of the sensors for the engine, or why there was none.
package struct SensorUpdate: Sendable {
    /// nil when libsensors could not be initialised or read at all.
    package var reading: SensorReading?
    package var error: String?
    /// Wall time the read (and any re-initialisation) took.
    package var durationSeconds: Double
    /// Why this read happened: `start`, `interval`, `hwmon` (devices came or went), `overflow`.
    package var cause: String
    /// hwmon uevents received since the last update.
    package var events: Int
    /// libsensors was initialised afresh for this read.
    package var reinitialised: Bool
    /// Lines of the configuration libsensors skipped at that initialisation (`file:line: message`).
    package var configurationProblems: [String]

    package init(
        reading: SensorReading?, error: String? = nil, durationSeconds: Double, cause: String,
        events: Int = 0, reinitialised: Bool = false, configurationProblems: [String] = []
    ) {
        self.configurationProblems = configurationProblems
        self.reading = reading
        self.error = error
        self.durationSeconds = durationSeconds
        self.cause = cause
        self.events = events
        self.reinitialised = reinitialised
    }
}

/// One pass over every chip.
package struct SensorReading: Sendable, Equatable {
    package var sensors: [Sensor] = []
    package var chips = 0
    /// Subfeatures that could not be read (each makes its sensor unknown).
    package var unreadableSubfeatures = 0
    /// Chips libsensors knows whose hwmon directory is gone: it must be set up afresh.
    package var vanishedChips = 0

    package init() {}
}
