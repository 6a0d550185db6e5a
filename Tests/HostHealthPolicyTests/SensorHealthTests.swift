import TestFixtures
import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
import Testing

/// Sensors built for each case: a package temperature with the limits coretemp has.
enum SensorFixture {
    static func temperature(
        _ input: Double?, max: Double? = 80, maxHysteresis: Double? = nil, crit: Double? = 100,
        chip: String = "coretemp-isa-0000", feature: String = "temp1"
    ) -> Sensor {
        Sensor(
            chip: chip, chipPath: "/sys/class/hwmon/hwmon1", device: "platform/coretemp.0", feature: feature,
            label: "Package id 0", type: .temperature, input: input,
            limits: SensorLimits(max: max, crit: crit, maxHysteresis: maxHysteresis))
    }

    static func voltage(_ input: Double, min: Double? = 1.0, lcrit: Double? = nil, max: Double? = 1.4) -> Sensor {
        Sensor(
            chip: "nct6779-isa-0290", chipPath: "/sys/class/hwmon/hwmon3", feature: "in0", label: "Vcore",
            type: .voltage, input: input, limits: SensorLimits(min: min, max: max, lcrit: lcrit))
    }

    static func fan(_ rpm: Double, min: Double?) -> Sensor {
        Sensor(
            chip: "nct6779-isa-0290", chipPath: "/sys/class/hwmon/hwmon3", feature: "fan2", type: .fan, input: rpm,
            limits: SensorLimits(min: min))
    }

    static func reader(_ lastSuccess: Timestamp) -> ReaderStatus {
        ReaderStatus(name: "sensors", lastSuccess: lastSuccess)
    }
}

@Suite("SensorHealth: limits, alarms and faults with value and time hysteresis")
struct SensorHealthTests {
    let health = SensorHealth(config: SensorConfig())

    func judge(_ sensor: Sensor, crossed: Set<SensorLimit> = []) -> (Verdict, Set<SensorLimit>) {
        var limits = crossed
        let verdict = health.judge(sensor, crossed: &limits)
        return (verdict, limits)
    }

    // MARK: single readings

    @Test func temperatureBelowMaxIsOk() {
        #expect(judge(SensorFixture.temperature(45)).0.state == .ok)
    }

    @Test func temperatureAboveMaxIsDegraded() {
        let (verdict, crossed) = judge(SensorFixture.temperature(81))
        #expect(verdict.state == .degraded)
        #expect(verdict.reason == "temperature above max 80 °C")
        #expect(crossed == [.max])
    }

    @Test func temperatureExactlyAtMaxIsNotAboveIt() {
        #expect(judge(SensorFixture.temperature(80)).0.state == .ok)
    }

    @Test func temperatureAtCritIsFailed() {
        let (verdict, _) = judge(SensorFixture.temperature(100))
        #expect(verdict.state == .failed)
        #expect(verdict.reason == "temperature at or above crit 100 °C")
    }

    @Test func temperatureAtEmergencyIsFailed() {
        var sensor = SensorFixture.temperature(105, crit: nil)
        sensor.limits.emergency = 105
        #expect(judge(sensor).0.state == .failed)
    }

    @Test func aRaisedCritAlarmIsFailedEvenWithAReadingInsideTheLimits() {
        var sensor = SensorFixture.temperature(45)
        sensor.alarms = [.crit: true, .max: false]
        let (verdict, _) = judge(sensor)
        #expect(verdict.state == .failed)
        #expect(verdict.reason == "the chip raised crit_alarm")
    }

    @Test func alarmFlagsThatAreDownAreOk() {
        var sensor = SensorFixture.temperature(45)
        sensor.alarms = [.crit: false, .alarm: false]
        #expect(judge(sensor).0.state == .ok)
    }

    @Test func voltageBelowMinIsDegraded() {
        let (verdict, _) = judge(SensorFixture.voltage(0.95))
        #expect(verdict.state == .degraded)
        #expect(verdict.reason == "voltage below min 1 V")
    }

    @Test func voltageBelowLcritIsFailed() {
        #expect(judge(SensorFixture.voltage(0.7, lcrit: 0.8)).0.state == .failed)
    }

    @Test func voltageAboveMaxIsDegraded() {
        #expect(judge(SensorFixture.voltage(1.5)).0.state == .degraded)
    }

    @Test func faultFlagMakesTheSensorUnknown() {
        var sensor = SensorFixture.temperature(-128)
        sensor.fault = true
        let (verdict, _) = judge(sensor)
        #expect(verdict.state == .unknown)
        #expect(verdict.reason == "the chip reports a sensor fault")
    }

    @Test func readProblemMakesTheSensorUnknownWithTheProblemAsReason() {
        var sensor = SensorFixture.temperature(nil)
        sensor.problem = "temp1_input: I/O error"
        let (verdict, _) = judge(sensor)
        #expect(verdict.state == .unknown)
        #expect(verdict.reason == "cannot read: temp1_input: I/O error")
    }

    @Test func readProblemKeepsTheLimitsCrossedBefore() {
        var sensor = SensorFixture.temperature(nil)
        sensor.problem = "temp1_input: I/O error"
        #expect(judge(sensor, crossed: [.max]).1 == [.max])
    }

    @Test func fanWithAMinLimitReadingZeroIsDegraded() {
        let (stopped, _) = judge(SensorFixture.fan(0, min: 600))
        #expect(stopped.state == .degraded)
        #expect(stopped.reason == "fan stopped (min 600 rpm)")
    }

    /// A Super I/O fan header with nothing on it (or a stopped chassis fan): 0 rpm, a min, and
    /// the chip's alarm raised. The alarm is about the min, so it degrades, never fails.
    @Test func stoppedFanWithItsAlarmRaisedIsDegradedNotFailed() {
        var sensor = SensorFixture.fan(0, min: 600)
        sensor.alarms = [.alarm: true]
        let (stopped, _) = judge(sensor)
        #expect(stopped.state == .degraded)
        #expect(stopped.reason == "fan stopped (min 600 rpm)")
        sensor.input = 900
        sensor.alarms = [.min: true]
        #expect(judge(sensor).0.state == .degraded, "a latched stall: degraded until the chip clears it")
    }

    @Test func fanWithAMaxAlarmIsDegraded() {
        var sensor = SensorFixture.fan(9000, min: 600)
        sensor.alarms = [.max: true]
        sensor.limits.max = 8000
        #expect(judge(sensor).0.state == .degraded)
    }

    @Test func fanWithoutAMinLimitReadingZeroIsOk() {
        #expect(judge(SensorFixture.fan(0, min: nil)).0.state == .ok)
        #expect(judge(SensorFixture.fan(0, min: 0)).0.state == .ok)
    }

    @Test func slowFanBelowItsMinIsDegraded() {
        let (verdict, _) = judge(SensorFixture.fan(400, min: 600))
        #expect(verdict.state == .degraded)
        #expect(verdict.reason == "fan below min 600 rpm")
    }

    @Test func intrusionIsShownButDoesNotChangeTheState() {
        let sensor = Sensor(
            chip: "nct6779-isa-0290", chipPath: "/sys/class/hwmon/hwmon3", feature: "intrusion0", type: .intrusion,
            input: 1, alarms: [.alarm: true])
        let (verdict, _) = judge(sensor)
        #expect(verdict.state == .ok)
        #expect(verdict.reason == "chassis intrusion flag raised")
    }

    @Test func intrusionWithoutAlarmIsOkWithoutReason() {
        let sensor = Sensor(
            chip: "nct6779-isa-0290", chipPath: "/sys/class/hwmon/hwmon3", feature: "intrusion0", type: .intrusion,
            input: 0, alarms: [.alarm: false])
        #expect(judge(sensor).0 == Verdict(id: sensor.id, name: sensor.displayName, state: .ok, reason: ""))
    }

    // MARK: limits nobody programmed

    @Test func limitsOfZeroAreNotSetAndNotJudged() {
        // As a Super-I/O chip reports an input whose limits were never programmed.
        #expect(judge(SensorFixture.voltage(1.024, min: 0, max: 0)).0.state == .ok)
    }

    @Test func anAlarmAgainstLimitsThatAreNotSetIsIgnored() {
        var sensor = SensorFixture.voltage(1.024, min: 0, max: 0)
        sensor.alarms = [.alarm: true]
        #expect(judge(sensor).0.state == .ok)
    }

    @Test func anAlarmOfALimitThatIsNotSetIsIgnoredButTheOthersCount() {
        var sensor = SensorFixture.voltage(1.2, min: 0, max: 1.4)
        sensor.alarms = [.min: true]
        #expect(judge(sensor).0.state == .ok)
        sensor.alarms = [.max: true]
        #expect(judge(sensor).0.state == .degraded)
    }

    @Test func theGeneralAlarmOfASensorWithoutLimitsIsTheChipsOwnVerdictAndDegrades() {
        var sensor = SensorFixture.temperature(60, max: nil, crit: nil)
        sensor.alarms = [.alarm: true]
        let (verdict, _) = judge(sensor)
        #expect(verdict.state == .degraded)
        #expect(verdict.reason == "the chip raised alarm")
    }

    /// A real nct6776 board: `Vbat: +3.34 V (min = +2.70 V, max = +3.30 V) ALARM`, labelled by
    /// the distribution's sensors3.conf. The alarm is the chip's max comparison: degraded, as
    /// the reading past max is, never failed.
    @Test func aVoltageAlarmIsTheChipsMinMaxComparisonAndDegrades() {
        var sensor = SensorFixture.voltage(3.34, min: 2.70, max: 3.30)
        sensor.alarms = [.alarm: true]
        let (verdict, _) = judge(sensor)
        #expect(verdict.state == .degraded)
        #expect(verdict.reason == "voltage above max 3.3 V")
    }

    @Test func theCMOSBatteryIsShownButNeverCounted() throws {
        var battery = Sensor(
            chip: "nct6776-isa-0290", chipPath: "/sys/class/hwmon/hwmon2", feature: "in8", label: "Vbat", type: .voltage,
            input: 3.34, limits: SensorLimits(min: 2.70, max: 3.30), alarms: [.alarm: true])
        battery.configuredLabel = true
        var crossed: [ComponentID: Set<SensorLimit>] = [:]
        let verdict = try #require(health.verdicts([battery], crossed: &crossed, stale: nil).first)
        #expect(verdict.state == .degraded)
        #expect(verdict.declared?.ignore == true)
        #expect(verdict.reason.hasSuffix("not counted: the CMOS battery matters only while the host is off"))
        var rail = battery
        rail.label = "+3.3V"
        rail.feature = "in3"
        #expect(health.verdicts([rail], crossed: &crossed, stale: nil).first?.declared?.ignore != true, "other rails count")
    }

    /// What real boards leave in their limit registers: a high limit under its own hysteresis,
    /// a +12V rail "limited" at 2.68 V, an alarm raised against a −128 °C high limit. None is
    /// anyone's setting; each reading is judged as if that limit were not there.
    @Test func limitsNobodySetOnRealBoardsAreNotJudged() {
        var sysTemp = SensorFixture.temperature(43, max: 2, crit: nil)
        sysTemp.limits.maxHysteresis = 4
        sysTemp.alarms = [.alarm: true]
        #expect(judge(sysTemp).0.state == .ok, "high 2 °C under a hysteresis of 4 °C")
        var twelve = SensorFixture.voltage(12.10, min: 2.68, max: 2.68)
        twelve.alarms = [.alarm: true]
        #expect(judge(twelve).0.state == .ok, "a 12 V rail at 4.5 times its max is not over-voltage")
        var board = SensorFixture.temperature(30, max: -128, crit: nil)
        board.limits.min = 15
        board.alarms = [.alarm: true]
        #expect(judge(board).0.state == .ok, "the alarm is against the −128 °C high limit")
        #expect(judge(SensorFixture.voltage(3.29, min: 4.68, max: 0.79)).0.state == .ok, "min above max: neither is set")
        let sagging = SensorFixture.voltage(11.0, min: 11.4, max: 12.6)
        #expect(judge(sagging).0.state == .degraded, "a real limit still judges")
        let overVoltage = SensorFixture.voltage(13.3, min: 11.4, max: 12.6)
        #expect(judge(overVoltage).0.state == .degraded)
    }

    @Test func critAlarmsFailAndTheOthersDegrade() {
        for (alarm, state) in [(SensorAlarm.crit, HealthState.failed), (.emergency, .failed), (.lcrit, .failed),
                               (.min, .degraded), (.max, .degraded), (.cap, .degraded),
                               // The general alarm of a chip with limits is its comparison against
                               // them, and the reading is inside every one it set.
                               (.alarm, .ok)] {
            var sensor = SensorFixture.temperature(45, max: 80, crit: 100)
            sensor.limits.lcrit = -20
            sensor.limits.emergency = 110
            sensor.limits.min = 5
            sensor.alarms = [alarm: true]
            #expect(judge(sensor).0.state == state, "\(alarm)")
        }
    }

    @Test func atCritAndEmergencyTogetherTheReasonIsAlwaysTheSame() {
        var sensor = SensorFixture.temperature(110)
        sensor.limits.emergency = 105
        let reasons = Set((0..<20).map { _ in judge(sensor).0.reason })
        #expect(reasons == ["temperature at or above emergency 105 °C"])
    }

    // MARK: value hysteresis

    @Test func crossedMaxStaysCrossedUntilBelowTheChipsHysteresis() {
        let sensor = SensorFixture.temperature(78, maxHysteresis: 75)
        let (held, crossed) = judge(sensor, crossed: [.max])
        #expect(held.state == .degraded)
        #expect(held.reason == "temperature above max 80 °C (clears below 75 °C)")
        #expect(crossed == [.max])
        let (cleared, after) = judge(SensorFixture.temperature(74.9, maxHysteresis: 75), crossed: [.max])
        #expect(cleared.state == .ok)
        #expect(after.isEmpty)
    }

    @Test func withoutChipHysteresisTheConfiguredMarginClearsIt() {
        #expect(judge(SensorFixture.temperature(75.5), crossed: [.max]).0.state == .degraded)
        #expect(judge(SensorFixture.temperature(74.9), crossed: [.max]).0.state == .ok)
    }

    @Test func chipHysteresisAtTheLimitIsNoHysteresisAndTheMarginApplies() {
        #expect(health.release(SensorFixture.temperature(70, maxHysteresis: 80), .max, 80) == 75)
    }

    @Test func aMarginOfItsOwnClearsLowVoltagesAsAShareOfTheLimit() {
        // 5% of a 1.0 V min: clears above 1.05 V.
        #expect(judge(SensorFixture.voltage(1.04), crossed: [.min]).0.state == .degraded)
        #expect(judge(SensorFixture.voltage(1.06), crossed: [.min]).0.state == .ok)
    }

    @Test func aReadingNeverInsideTheLimitIsNotHeldByHysteresisItNeverHad() {
        #expect(judge(SensorFixture.temperature(78), crossed: []).0.state == .ok)
    }

    // MARK: the policy over time

    @Test func temperatureClimbingPastMaxThenCritThenFallingBackShowsEachTransitionWithHysteresis() {
        let config = AgentConfig(sensors: SensorConfig(forSeconds: 10, recoverAfterSeconds: 20))
        let policy = HealthPolicy(config: config)
        var memory = HealthMemory()
        var log: [String] = []
        let id = SensorFixture.temperature(0).id
        func read(_ celsius: Double, at seconds: Double) -> HealthState? {
            let now = Fixture.t0 + seconds
            let snapshot = HostSnapshot(
                sensors: [SensorFixture.temperature(celsius, maxHysteresis: 75)],
                readers: [SensorFixture.reader(now)])
            let result = policy.evaluate(previous: memory, snapshot: snapshot, now: now)
            memory = result.memory
            for transition in result.transitions where transition.component == id {
                log.append("\(Int(seconds)): \(transition.from?.rawValue ?? "none") -> \(transition.to.rawValue)")
            }
            return result.report.components.first { $0.id == id }?.state
        }
        #expect(read(60, at: 0) == .ok)
        #expect(read(82, at: 5) == .ok)          // past max, held for 10 s first
        #expect(read(84, at: 10) == .ok)
        #expect(read(85, at: 15) == .degraded)   // held 10 s
        #expect(read(101, at: 20) == .degraded)  // past crit, held for 10 s first
        #expect(read(102, at: 30) == .failed)
        #expect(read(95, at: 35) == .failed)     // below crit, inside the 5 °C margin
        #expect(read(94, at: 40) == .failed)     // crit cleared; degraded must hold 20 s
        #expect(read(90, at: 60) == .degraded)
        #expect(read(77, at: 65) == .degraded)   // below max but above its hysteresis (75)
        #expect(read(74, at: 70) == .degraded)   // cleared; ok must hold 20 s
        #expect(read(70, at: 90) == .ok)
        #expect(log == ["15: ok -> degraded", "30: degraded -> failed", "60: failed -> degraded", "90: degraded -> ok"])
    }

    @Test func onlyTheBadSensorOfAChipIsNotOk() {
        var broken = SensorFixture.temperature(nil, feature: "temp2")
        broken.problem = "temp2_input: Can't read"
        let snapshot = HostSnapshot(
            sensors: [SensorFixture.temperature(45), broken], readers: [SensorFixture.reader(Fixture.t0)])
        let report = HealthPolicy(config: AgentConfig()).evaluate(previous: HealthMemory(), snapshot: snapshot, now: Fixture.t0).report
        let states = Dictionary(uniqueKeysWithValues: report.components.map { ($0.id.description, $0.state) })
        #expect(states == ["sensor:coretemp-isa-0000/temp1": .ok, "sensor:coretemp-isa-0000/temp2": .unknown])
    }

    @Test func ignoredSensorsAreNotJudged() {
        var config = AgentConfig()
        config.sensors.ignore = [LinkPattern("coretemp-*/temp1")]
        let snapshot = HostSnapshot(sensors: [SensorFixture.temperature(120)], readers: [SensorFixture.reader(Fixture.t0)])
        let report = HealthPolicy(config: config).evaluate(previous: HealthMemory(), snapshot: snapshot, now: Fixture.t0).report
        #expect(report.components.isEmpty)
        #expect(report.host.state == .ok)
    }

    @Test func aStaleSensorReaderMakesTheHostUnknownAndMarksItsSensors() {
        let snapshot = HostSnapshot(sensors: [SensorFixture.temperature(45)], readers: [SensorFixture.reader(Fixture.t0)])
        let now = Fixture.t0 + 31
        let report = HealthPolicy(config: AgentConfig()).evaluate(previous: HealthMemory(), snapshot: snapshot, now: now).report
        #expect(report.host.state == .unknown)
        #expect(report.host.reasons.first?.hasPrefix("sensors reader stale") == true)
        #expect(report.components.allSatisfy { $0.stale })
    }

    @Test func sensorsOffMeansNoSensorComponentsAndNoMemory() {
        var memory = HealthMemory()
        memory.sensorLimitsCrossed = [SensorFixture.temperature(0).id: [.max]]
        let result = HealthPolicy(config: AgentConfig()).evaluate(previous: memory, snapshot: HostSnapshot(), now: Fixture.t0)
        #expect(result.memory.sensorLimitsCrossed.isEmpty)
        #expect(result.report.components.isEmpty)
    }

    // MARK: identity

    @Test func twoChipsOfOneDriverAtDifferentAddressesKeepPlainKeys() {
        var sensors = [
            SensorFixture.temperature(40, chip: "coretemp-isa-0000"),
            SensorFixture.temperature(41, chip: "coretemp-isa-0001"),
        ]
        sensors[1].chipPath = "/sys/class/hwmon/hwmon2"
        SensorKeys.assign(&sensors)
        #expect(sensors.map(\.id.description) == ["sensor:coretemp-isa-0000/temp1", "sensor:coretemp-isa-0001/temp1"])
    }

    @Test func chipsSharingOneNameAreToldApartByTheirDevice() {
        var first = SensorFixture.temperature(40, chip: "acpitz-acpi-0")
        first.device = "virtual/thermal/thermal_zone0"
        var second = SensorFixture.temperature(50, chip: "acpitz-acpi-0")
        second.chipPath = "/sys/class/hwmon/hwmon2"
        second.device = "virtual/thermal/thermal_zone1"
        var sensors = [first, second]
        SensorKeys.assign(&sensors)
        #expect(sensors.map(\.key) == [
            "acpitz-acpi-0@virtual/thermal/thermal_zone0/temp1", "acpitz-acpi-0@virtual/thermal/thermal_zone1/temp1",
        ])
    }

    @Test func valuesForPeopleHaveNoTrailingZeros() {
        #expect(TextFormat.decimal(80) == "80")
        #expect(TextFormat.decimal(1.05) == "1.05")
        #expect(TextFormat.decimal(-273.15) == "-273.15")
        #expect(TextFormat.decimal(0.0004) == "0")
    }
}
