import TestFixtures
import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
import Testing

/// A desktop/workstation board as real ones are: a Super I/O chip with unwired thermistor
/// inputs pinned near 110 °C (one past crit without an alarm, others with the chip's alarm
/// raised against limits nobody set), an input libsensors cannot read, and a CPU and an NVMe
/// drive at 35 °C.
enum RealBoard {
    static func superIO(_ feature: String, _ input: Double?, crit: Double? = 100, alarm: Bool? = nil, labelled: Bool = false) -> Sensor {
        var sensor = Sensor(
            chip: "nct6798-isa-0290", chipPath: "/sys/class/hwmon/hwmon2", device: "platform/nct6775.656",
            feature: feature, label: labelled ? "Chipset" : feature, type: .temperature, input: input,
            limits: SensorLimits(max: 80, crit: crit), alarms: alarm.map { [.alarm: $0] } ?? [:])
        sensor.configuredLabel = labelled
        return sensor
    }

    static var sensors: [Sensor] {
        var unreadable = superIO("temp7", nil)
        unreadable.problem = "temp7_input: Can't read"
        return [
            SensorFixture.temperature(35),
            Sensor(
                chip: "nvme-pci-0100", chipPath: "/sys/class/hwmon/hwmon1", feature: "temp1", label: "Composite",
                type: .temperature, input: 35, limits: SensorLimits(min: -273.15, max: 81.85, crit: 84.85)),
            superIO("temp3", 108),
            superIO("temp4", 115, alarm: true),
            superIO("temp5", 120, alarm: true),
            superIO("temp6", 127, crit: nil, alarm: true),
            unreadable,
        ]
    }

    static func evaluate(_ sensors: [Sensor], config: AgentConfig = AgentConfig()) -> HealthReport {
        let snapshot = HostSnapshot(sensors: sensors, readers: [SensorFixture.reader(Fixture.t0)])
        return HealthPolicy(config: config).evaluate(previous: HealthMemory(), snapshot: snapshot, now: Fixture.t0).report
    }
}

@Suite("SensorStanding: which sensors move the host, on real boards")
struct SensorStandingTests {
    @Test func aHealthyBoardWithUnwiredSuperIOInputsIsOk() throws {
        let report = RealBoard.evaluate(RealBoard.sensors)
        #expect(report.host.state == .ok, "\(report.host.reasons)")
        let temp4 = try #require(report.components.first { $0.id.key == "nct6798-isa-0290/temp4" })
        // Still judged and shown: the chip's alarm is data about that input.
        #expect(temp4.state == .failed)
        #expect(temp4.ignored)
        #expect(temp4.reason.contains("not counted: a board monitor input (nct6798) without an operator's sensors.conf label"))
        let unreadable = try #require(report.components.first { $0.id.key == "nct6798-isa-0290/temp7" })
        #expect(unreadable.state == .unknown)
        #expect(unreadable.ignored)
    }

    @Test func aSuperIOInputLabelledInSensorsConfCounts() {
        let report = RealBoard.evaluate([RealBoard.superIO("temp4", 115, alarm: true, labelled: true)])
        #expect(report.host.state == .failed)
    }

    @Test func policyComponentsMakeAnyOfThemCount() {
        var config = AgentConfig()
        config.policy.components = [(LinkPattern("sensor:nct6798-*/temp4"), ComponentRule(ignore: false))]
        let report = RealBoard.evaluate(RealBoard.sensors, config: config)
        #expect(report.host.state == .failed)
    }

    @Test func anUnreadableSensorDeclaredRequiredMakesTheHostUnknown() {
        var config = AgentConfig()
        config.policy.components = [(LinkPattern("sensor:nct6798-*/temp7"), ComponentRule(ignore: false))]
        #expect(RealBoard.evaluate(RealBoard.sensors, config: config).host.state == .unknown)
    }

    @Test func aCPUPackageReallyPastCritFailsTheHostAtOnce() {
        var config = AgentConfig()
        config.sensors.forSeconds = 0
        let report = RealBoard.evaluate(RealBoard.sensors + [SensorFixture.temperature(101, feature: "temp2")], config: config)
        #expect(report.host.state == .failed)
    }

    @Test func anNVMeDrivePastCritFailsTheHost() {
        var config = AgentConfig()
        config.sensors.forSeconds = 0
        let nvme = Sensor(
            chip: "nvme-pci-0100", chipPath: "/sys/class/hwmon/hwmon1", feature: "temp1", label: "Composite",
            type: .temperature, input: 86, limits: SensorLimits(min: -273.15, max: 81.85, crit: 84.85))
        #expect(RealBoard.evaluate([nvme], config: config).host.state == .failed)
    }

    @Test(arguments: [
        ("nct6779-isa-0290", SensorStanding.Source.boardMonitor), ("it8688-isa-0a40", .boardMonitor),
        ("w83627dhg-isa-0290", .boardMonitor), ("f71882fg-isa-0a00", .boardMonitor),
        ("acpitz-acpi-0", .firmware), ("power_meter-acpi-0", .firmware),
        ("coretemp-isa-0000", .device), ("k10temp-pci-00c3", .device), ("nvme-pci-0100", .device),
        ("jc42-i2c-0-18", .device), ("amdgpu-pci-0300", .device), ("drivetemp-scsi-0-0", .device),
    ])
    func chipsAreClassedByTheirDriver(_ chip: String, _ source: SensorStanding.Source) {
        #expect(SensorStanding.source(ofChip: chip) == source)
    }
}

@Suite("SensorPlausibility: sentinels and impossible values are data, never failed")
struct SensorPlausibilityTests {
    let health = SensorHealth(config: SensorConfig())

    func judged(_ sensor: Sensor) -> Verdict {
        var crossed = Set<SensorLimit>()
        return health.judge(sensor, crossed: &crossed)
    }

    @Test(arguments: [65261.85, -273.15, -128, 255.5])
    func impossibleTemperaturesAreUnknown(_ value: Double) {
        let verdict = judged(SensorFixture.temperature(value))
        #expect(verdict.state == .unknown)
        #expect(verdict.reason.hasPrefix("implausible reading"))
    }

    @Test func anAllOnesPowerMeterIsUnknown() {
        for watts in [4294.967295, 4_294_967.295] {
            let meter = Sensor(chip: "power_meter-acpi-0", chipPath: "/sys/class/hwmon/hwmon5", feature: "power1", type: .power, input: watts)
            #expect(judged(meter).state == .unknown, "\(watts)")
        }
    }

    @Test func noLimitSentinelsAreNotLimits() {
        // nvme's Sensor 1: max 65261.85 (0xFFFF K) and min −273.15 (0 K) mean "none".
        let sensor = Sensor(
            chip: "nvme-pci-0100", chipPath: "/sys/class/hwmon/hwmon1", feature: "temp2", type: .temperature,
            input: 41.85, limits: SensorLimits(min: -273.15, max: 65261.85), alarms: [.max: true])
        #expect(judged(sensor).state == .ok)
    }

    @Test func aMinAboveItsMaxIsAnUnprogrammedPairAndItsAlarmsAreNotNews() {
        var sensor = SensorFixture.voltage(1.2, min: 1.5, max: 0.8)
        sensor.alarms = [.alarm: true, .min: true]
        #expect(judged(sensor).state == .ok)
    }

    @Test func aRealCritOnACPUIsStillFailed() {
        #expect(judged(SensorFixture.temperature(127, crit: 100)).state == .failed)
    }

    @Test func aLimitThatCannotBeReadLeavesTheReadingJudged() {
        var sensor = SensorFixture.temperature(90)
        sensor.limits.crit = nil
        sensor.problem = "temp1_crit: I/O error"
        let verdict = judged(sensor)
        #expect(verdict.state == .degraded)
        #expect(verdict.reason.hasSuffix("(cannot read temp1_crit: I/O error)"))
    }
}
