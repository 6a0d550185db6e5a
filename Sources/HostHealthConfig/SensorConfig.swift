package import HostHealthModel

/// `sensors:` — how often the hardware sensors are read and how their limits are judged.
/// Limits themselves come from the chips (and sensors.conf `set` lines), not from here.
package struct SensorConfig: Sendable, Equatable {
    /// How often libsensors is read.
    package var intervalSeconds: Double
    /// `for:` — a worse state must hold this long before it is taken: a temperature that
    /// touches its max for one reading is noise.
    package var forSeconds: Double
    /// A better state is taken only after it has held this long.
    package var recoverAfterSeconds: Double
    /// Where a chip has no hysteresis value for a limit, a temperature must come back this
    /// many degrees inside it before the limit counts as cleared.
    package var marginCelsius: Double
    /// The same for the other types, as a share of the limit (0.05: a fan with a min of 600 rpm
    /// clears above 630 rpm).
    package var marginRatio: Double
    /// Sensor data older than this makes the host unknown.
    package var staleAfterSeconds: Double
    /// `<chip>/<feature>` globs (`nct6779-*/intrusion*`) that are read and exported but not judged.
    package var ignore: [LinkPattern]
    /// Write sensors.conf `set` limits to the chips whenever libsensors is set up (as
    /// `sensors -s` does at boot), so a chip that appears later gets them too. Needs root.
    package var applySets: Bool

    package init(
        intervalSeconds: Double = 5, forSeconds: Double = 15, recoverAfterSeconds: Double = 30,
        marginCelsius: Double = 5, marginRatio: Double = 0.05, staleAfterSeconds: Double = 30,
        ignore: [LinkPattern] = [], applySets: Bool = false
    ) {
        self.applySets = applySets
        self.intervalSeconds = intervalSeconds
        self.forSeconds = forSeconds
        self.recoverAfterSeconds = recoverAfterSeconds
        self.marginCelsius = marginCelsius
        self.marginRatio = marginRatio
        self.staleAfterSeconds = staleAfterSeconds
        self.ignore = ignore
    }

    /// Whether a sensor is left out of the judgement.
    package func ignores(_ sensor: Sensor) -> Bool {
        let name = "\(sensor.chip)/\(sensor.feature)"
        return ignore.contains { $0.matches(name) || $0.matches(sensor.key) }
    }
}
