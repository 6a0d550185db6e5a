/// One read of the sensors for the engine, or why there was none.
public struct SensorUpdate: Sendable {
    /// nil when libsensors could not be initialised or read at all.
    public var reading: SensorReading?
    public var error: String?
    /// Wall time the read (and any re-initialisation) took.
    public var durationSeconds: Double
    /// Why this read happened: `start`, `interval`, `hwmon` (devices came or went), `overflow`.
    public var cause: String
    /// hwmon uevents received since the last update.
    public var events: Int
    /// libsensors was initialised afresh for this read.
    public var reinitialised: Bool
    /// Lines of the configuration libsensors skipped at that initialisation (`file:line: message`).
    public var configurationProblems: [String]

    public init(
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
