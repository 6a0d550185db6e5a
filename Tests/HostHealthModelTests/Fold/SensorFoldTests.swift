import HostHealthModel
import Testing

@Suite("Sensor fold: a reading, or why there was none")
struct SensorFoldTests {
    let t0 = FoldFixtures.t0

    func reading(_ celsius: Double, unreadable: Int = 0) -> SensorUpdate {
        var reading = SensorReading()
        reading.sensors = [FoldFixtures.sensor(celsius)]
        reading.unreadableSubfeatures = unreadable
        return SensorUpdate(reading: reading, durationSeconds: 0.002, cause: "interval")
    }

    @Test func readingReplacesTheSensorsAndIsASuccess() {
        var fold = FoldFixtures.fold(.sensors)
        #expect(fold.apply(reading(45, unreadable: 2), at: t0) == .data)
        #expect(fold.sensors.map(\.input) == [45])
        #expect(fold.readers[.sensors]?.lastSuccess == t0)
        #expect(fold.readers[.sensors]?.skipped == ["unreadable_subfeature": 2])
    }

    @Test func failedReadKeepsTheLastReadingAndCountsTheError() {
        var fold = FoldFixtures.fold(.sensors)
        fold.apply(reading(45), at: t0)
        let failed = SensorUpdate(reading: nil, error: "libsensors cannot read hwmon devices", durationSeconds: 0, cause: "interval")
        #expect(fold.apply(failed, at: t0 + 5) == .status)
        #expect(fold.sensors.map(\.input) == [45])
        #expect(fold.readers[.sensors]?.errors == 1)
        #expect(fold.readers[.sensors]?.lastError == "libsensors cannot read hwmon devices")
        #expect(fold.readers[.sensors]?.lastSuccess == t0)
    }

    @Test func reinitialisationWithConfigurationProblemsIsCounted() {
        var fold = FoldFixtures.fold(.sensors)
        let update = SensorUpdate(
            reading: SensorReading(), durationSeconds: 0.01, cause: "start", events: 3, reinitialised: true,
            configurationProblems: ["/etc/sensors3.conf:4: bad", "/etc/sensors3.conf:9: bad"])
        fold.apply(update, at: t0)
        #expect(fold.readers[.sensors]?.resyncs == 1)
        #expect(fold.readers[.sensors]?.events == 3)
        #expect(fold.readers[.sensors]?.skipped == ["configuration_line": 2])
    }
}
