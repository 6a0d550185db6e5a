import HostHealthModel
import HostHealthExposition
import Testing

@Suite("SensorExposition: readings in base units, limits and flags as gauges, no duplicate series")
struct SensorExpositionTests {
    /// A host's worth of chips: two coretemp packages, two thermal zones that libsensors names
    /// alike, a Super-I/O chip, a power meter, a humidity sensor, a faulty and an unreadable one.
    static let sensors: [Sensor] = {
        var sensors = [
            Sensor(
                chip: "coretemp-isa-0000", chipPath: "/sys/class/hwmon/hwmon1", device: "platform/coretemp.0",
                feature: "temp1", label: "Package id 0", type: .temperature, input: 45,
                limits: SensorLimits(max: 80, crit: 100, maxHysteresis: 75), alarms: [.crit: false]),
            Sensor(
                chip: "coretemp-isa-0001", chipPath: "/sys/class/hwmon/hwmon2", device: "platform/coretemp.1",
                feature: "temp1", label: "Package id 1", type: .temperature, input: 47.5,
                limits: SensorLimits(max: 80, crit: 100), alarms: [.crit: false]),
            Sensor(
                chip: "acpitz-acpi-0", chipPath: "/sys/class/hwmon/hwmon3", device: "virtual/thermal/thermal_zone0",
                feature: "temp1", type: .temperature, input: 27.8, limits: SensorLimits(crit: 119)),
            Sensor(
                chip: "acpitz-acpi-0", chipPath: "/sys/class/hwmon/hwmon4", device: "virtual/thermal/thermal_zone1",
                feature: "temp1", type: .temperature, input: 29.8, limits: SensorLimits(crit: 119)),
            Sensor(
                chip: "nct6779-isa-0290", chipPath: "/sys/class/hwmon/hwmon5", device: "platform/nct6775.656",
                feature: "in0", label: "Vcore \"CPU\" \\ rail", type: .voltage, input: 0.792,
                limits: SensorLimits(min: 0.7, max: 1.5), alarms: [.alarm: false]),
            Sensor(
                chip: "nct6779-isa-0290", chipPath: "/sys/class/hwmon/hwmon5", device: "platform/nct6775.656",
                feature: "fan2", label: "CPU fan", type: .fan, input: 1098, limits: SensorLimits(min: 300),
                alarms: [.alarm: false], fault: false),
            Sensor(
                chip: "nct6779-isa-0290", chipPath: "/sys/class/hwmon/hwmon5", device: "platform/nct6775.656",
                feature: "intrusion0", type: .intrusion, input: 1, alarms: [.alarm: true]),
            Sensor(
                chip: "nct6779-isa-0290", chipPath: "/sys/class/hwmon/hwmon5", device: "platform/nct6775.656",
                feature: "temp7", type: .temperature, input: -128, fault: true),
            Sensor(
                chip: "power_meter-acpi-0", chipPath: "/sys/class/hwmon/hwmon6", feature: "power1", type: .power,
                input: 212.5, limits: SensorLimits(max: 900)),
            Sensor(
                chip: "power_meter-acpi-0", chipPath: "/sys/class/hwmon/hwmon6", feature: "energy1", type: .energy,
                input: 123_456.75),
            Sensor(
                chip: "ina226-i2c-1-40", chipPath: "/sys/class/hwmon/hwmon7", feature: "curr1", type: .current,
                input: 1.25, limits: SensorLimits(max: 10, crit: 12)),
            Sensor(
                chip: "sht3x-i2c-1-44", chipPath: "/sys/class/hwmon/hwmon8", feature: "humidity1", type: .humidity,
                input: 41.5),
            Sensor(
                chip: "nvme-pci-0100", chipPath: "/sys/class/hwmon/hwmon9", feature: "temp1", label: "Composite",
                type: .temperature, problem: "temp1_input: I/O error"),
        ]
        SensorKeys.assign(&sensors)
        return sensors
    }()

    func lines() -> [Substring] {
        Scrape.render(.text).sampleLines
    }

    @Test func temperaturesAreInCelsiusWithTheirLimitsAsGaugesOfTheirOwn() {
        let lines = lines()
        let labels = "{sensor=\"sensor:coretemp-isa-0000/temp1\",chip=\"coretemp-isa-0000\",feature=\"temp1\",label=\"Package id 0\"}"
        #expect(lines.contains("hosthealth_sensor_temperature_celsius\(labels) 45"))
        #expect(lines.contains("hosthealth_sensor_temperature_max_celsius\(labels) 80"))
        #expect(lines.contains("hosthealth_sensor_temperature_crit_celsius\(labels) 100"))
        #expect(lines.contains("hosthealth_sensor_temperature_max_hysteresis_celsius\(labels) 75"))
    }

    @Test func twoChipsOfOneDriverAreTwoSeries() {
        let packages = lines().filter { $0.hasPrefix("hosthealth_sensor_temperature_celsius{sensor=\"sensor:coretemp-isa-000") }
        #expect(packages.count == 2)
    }

    @Test func chipsLibsensorsNamesAlikeAreToldApartByTheSensorLabel() {
        let zones = lines().filter { $0.hasPrefix("hosthealth_sensor_temperature_celsius{") && $0.contains("chip=\"acpitz-acpi-0\"") }
        #expect(zones.count == 2)
        #expect(zones.contains { $0.contains("sensor=\"sensor:acpitz-acpi-0@virtual/thermal/thermal_zone1/temp1\"") })
    }

    @Test func eachTypeHasItsBaseUnit() {
        let lines = lines()
        #expect(lines.contains { $0.hasPrefix("hosthealth_sensor_voltage_volts{") && $0.hasSuffix(" 0.792") })
        #expect(lines.contains { $0.hasPrefix("hosthealth_sensor_fan_rpm{") && $0.hasSuffix(" 1098") })
        #expect(lines.contains { $0.hasPrefix("hosthealth_sensor_power_watts{") && $0.hasSuffix(" 212.5") })
        #expect(lines.contains { $0.hasPrefix("hosthealth_sensor_current_amperes{") && $0.hasSuffix(" 1.25") })
        #expect(lines.contains { $0.hasPrefix("hosthealth_sensor_energy_joules_total{") && $0.hasSuffix(" 123456.75") })
        #expect(lines.contains { $0.hasPrefix("hosthealth_sensor_intrusion{") && $0.hasSuffix(" 1") })
    }

    @Test func humidityIsARatio() {
        #expect(lines().contains { $0.hasPrefix("hosthealth_sensor_humidity_ratio{") && $0.hasSuffix(" 0.415") })
    }

    @Test func energyIsACounter() {
        #expect(Scrape.render(.text).lines.contains("# TYPE hosthealth_sensor_energy_joules_total counter"))
    }

    @Test func alarmFlagsAreZeroOrOnePerFlag() {
        let lines = lines()
        #expect(lines.contains { $0.hasPrefix("hosthealth_sensor_alarm{sensor=\"sensor:coretemp-isa-0000/temp1\"") && $0.hasSuffix("alarm=\"crit\"} 0") })
        #expect(lines.contains { $0.hasPrefix("hosthealth_sensor_alarm{sensor=\"sensor:nct6779-isa-0290/intrusion0\"") && $0.hasSuffix("alarm=\"alarm\"} 1") })
    }

    @Test func faultIsOneForTheFaultySensorOnly() {
        let faults = lines().filter { $0.hasPrefix("hosthealth_sensor_fault{") }
        #expect(faults.count == 2)
        #expect(faults.filter { $0.hasSuffix(" 1") }.count == 1)
        #expect(faults.contains { $0.contains("nct6779-isa-0290/temp7") && $0.hasSuffix(" 1") })
    }

    @Test func anUnreadableSensorHasNoReadingAndAReadError() {
        let lines = lines()
        #expect(!lines.contains { $0.hasPrefix("hosthealth_sensor_temperature_celsius{sensor=\"sensor:nvme-pci-0100/temp1\"") })
        #expect(lines.contains { $0.hasPrefix("hosthealth_sensor_read_error{sensor=\"sensor:nvme-pci-0100/temp1\"") && $0.hasSuffix(" 1") })
    }

    @Test func labelsFromSensorsConfAreEscaped() {
        #expect(lines().contains { $0.contains("label=\"Vcore \\\"CPU\\\" \\\\ rail\"") })
    }

    @Test func limitFamiliesNoChipHasAreLeftOut() {
        #expect(!Scrape.render(.text).body.contains("hosthealth_sensor_fan_crit_rpm"))
        #expect(!Scrape.render(.text).body.contains("hosthealth_sensor_humidity_max_ratio"))
    }

    @Test func sensorFamiliesAreInTheVolatilePartAScrapeRendersEveryTime() {
        let snapshot = HostSnapshot(sensors: Self.sensors)
        let state = MetricsExposition.renderState(report: Scrape.report, snapshot: snapshot, agent: AgentInfo(version: "0"), format: .text)
        let volatile = MetricsExposition.renderVolatile(snapshot: snapshot, format: .text, now: Scrape.now)
        #expect(!String(decoding: state, as: UTF8.self).contains("hosthealth_sensor_"))
        #expect(String(decoding: volatile, as: UTF8.self).contains("hosthealth_sensor_temperature_celsius{"))
    }
}
