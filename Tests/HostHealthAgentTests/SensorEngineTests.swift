import HostHealthAgent
import HostHealthModel
import HostHealthConfig
import Logging
import NIOCore
import SensorReader
import Testing
import HostHealthPolicy
import HostHealthExposition

@Suite("HealthEngine: sensor readings")
struct SensorEngineTests {
    let clock = TestClock()

    func engine(_ config: AgentConfig = AgentConfig()) -> HealthEngine {
        HealthEngine(
            config: config, agent: AgentInfo(version: "test"), collectors: [.sensors],
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), clock: { clock.now }, wallClock: { clock.now })
    }

    func reading(_ celsius: Double) -> SensorUpdate {
        var reading = SensorReading()
        reading.chips = 1
        reading.sensors = [Sensor(
            chip: "coretemp-isa-0000", chipPath: "/sys/class/hwmon/hwmon0", feature: "temp1", label: "Package id 0",
            type: .temperature, input: celsius, limits: SensorLimits(max: 80, crit: 100))]
        return SensorUpdate(reading: reading, durationSeconds: 0.002, cause: "interval")
    }

    func scrape(_ engine: HealthEngine) async -> String {
        let buffers = await engine.metrics(format: .text)
        return buffers.map { String(buffer: $0) }.joined()
    }

    @Test func everyScrapeShowsTheLatestReadingThoughTheVerdictStaysTheSame() async {
        let engine = engine()
        await engine.apply(reading(45))
        #expect(await scrape(engine).contains("hosthealth_sensor_temperature_celsius{sensor=\"sensor:coretemp-isa-0000/temp1\",chip=\"coretemp-isa-0000\",feature=\"temp1\",label=\"Package id 0\"} 45\n"))
        clock.advance(5)
        await engine.apply(reading(46.5))
        let body = await scrape(engine)
        #expect(body.contains("label=\"Package id 0\"} 46.5\n"))
        #expect(!body.contains("label=\"Package id 0\"} 45\n"))
    }

    @Test func scrapesBetweenTwoReadingsServeTheSameSensorBytes() async {
        let engine = engine()
        await engine.apply(reading(45))
        let first = await engine.metrics(format: .text)
        clock.advance(1)
        let second = await engine.metrics(format: .text)
        #expect(first.count == 3)
        #expect(first[1] == second[1])
        #expect(String(buffer: first[1]).hasPrefix("# HELP hosthealth_sensor_info "))
        #expect(String(buffer: second[2]).contains("hosthealth_reader_age_seconds{reader=\"sensors\"} 1\n"))
    }

    @Test func openMetricsGetsSensorFamiliesOfItsOwnFormat() async {
        let engine = engine()
        await engine.apply(reading(45))
        _ = await engine.metrics(format: .text)
        let body = await engine.metrics(format: .openMetrics).map { String(buffer: $0) }.joined()
        #expect(body.contains("# TYPE hosthealth_sensor info\n"))
        #expect(body.hasSuffix("# EOF\n"))
    }

    @Test func aHotSensorIsJudgedAfterItsForHold() async {
        let engine = engine(AgentConfig(sensors: SensorConfig(forSeconds: 10)))
        await engine.apply(reading(45))
        clock.advance(5)
        await engine.apply(reading(85))
        #expect(await engine.report.host.state == .ok)
        clock.advance(10)
        await engine.apply(reading(85))
        #expect(await engine.report.host.state == .degraded)
        #expect(await engine.report.host.reasons == ["sensor coretemp-isa-0000/temp1 (Package id 0): degraded, temperature above max 80 °C"])
    }

    @Test func aFailedReadIsCountedAndTheOldReadingAgesIntoStale() async {
        let engine = engine()
        await engine.apply(reading(45))
        clock.advance(5)
        await engine.apply(SensorUpdate(reading: nil, error: "libsensors cannot read hwmon devices", durationSeconds: 0, cause: "interval"))
        let reader = await engine.snapshot.reader("sensors")
        #expect(reader?.errors == 1)
        #expect(reader?.lastError == "libsensors cannot read hwmon devices")
        #expect(await engine.report.host.state == .ok)
        clock.advance(30)
        await engine.tick()
        #expect(await engine.report.host.state == .unknown)
        #expect(await engine.report.host.reasons.first?.hasPrefix("sensors reader stale") == true)
    }

    @Test func sensorsOffIgnoresUpdates() async {
        let engine = HealthEngine(
            config: AgentConfig(), agent: AgentInfo(version: "test"), collectors: [],
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), clock: { clock.now }, wallClock: { clock.now })
        await engine.apply(reading(45))
        #expect(await engine.snapshot.sensors == nil)
    }
}
