internal import HostHealthModel
internal import HostHealthPolicy
internal import HostHealthConfig

/// The `hosthealth_sensor_*` families: readings in base units, each limit as a gauge of its
/// own, alarm and fault flags as 0/1. Every series carries the sensor's component id, so two
/// chips of one driver (or two thermal zones both named `acpitz-acpi-0`) never make a
/// duplicate series — the failure that takes a whole node_exporter scrape down.
///
/// Readings change at every read (5 s), more often than verdicts and less often than many
/// scrapes: the agent renders these families once per reading and serves those bytes until the
/// next one, so a new reading neither re-renders the cached state part nor waits for it, and a
/// scrape always shows the latest reading. (`MetricsExposition.render` puts them in the
/// volatile part.)
enum SensorExposition {
    /// How one type is exported: its family stem, unit suffix and what libsensors' unit is
    /// divided by for the base unit (100 from %RH to a ratio).
    private struct Unit {
        let stem: String
        let suffix: String
        let divisor: Double
        let help: String
    }

    private static func unit(_ type: SensorType) -> Unit {
        switch type {
        case .temperature: Unit(stem: "temperature", suffix: "celsius", divisor: 1, help: "Temperature in degrees Celsius")
        case .voltage: Unit(stem: "voltage", suffix: "volts", divisor: 1, help: "Voltage in volts")
        case .current: Unit(stem: "current", suffix: "amperes", divisor: 1, help: "Current in amperes")
        case .power: Unit(stem: "power", suffix: "watts", divisor: 1, help: "Power in watts")
        case .energy: Unit(stem: "energy", suffix: "joules", divisor: 1, help: "Energy in joules")
        case .fan: Unit(stem: "fan", suffix: "rpm", divisor: 1, help: "Fan speed in revolutions per minute")
        case .humidity: Unit(stem: "humidity", suffix: "ratio", divisor: 100, help: "Relative humidity as a ratio (0-1)")
        case .intrusion: Unit(stem: "intrusion", suffix: "", divisor: 1, help: "Chassis intrusion alarm (1: the case was opened)")
        }
    }

    static func render(_ sensors: [Sensor], into writer: inout MetricsWriter) {
        guard !sensors.isEmpty else { return }
        let sorted = sensors.sorted { $0.key < $1.key }
        let labels = sorted.map { sensor in
            MetricsWriter.labelSet([
                "sensor": sensor.id.description, "chip": sensor.chip, "feature": sensor.feature, "label": sensor.label,
            ])
        }

        writer.family("hosthealth_sensor_info", .info, help: "Identity of a hardware sensor as libsensors names it; always 1.")
        for sensor in sorted {
            writer.sample("hosthealth_sensor_info", [
                "sensor": sensor.id.description, "chip": sensor.chip, "feature": sensor.feature, "label": sensor.label,
                "type": sensor.type.rawValue, "chip_path": sensor.chipPath, "device": sensor.device ?? "",
            ], 1)
        }
        for type in SensorType.allCases {
            let indexes = sorted.indices.filter { sorted[$0].type == type }
            guard !indexes.isEmpty else { continue }
            let unit = unit(type)
            let base = "hosthealth_sensor_\(unit.stem)" + (unit.suffix.isEmpty ? "" : "_\(unit.suffix)")
            if type == .energy {
                write(base + "_total", .counter, help: "\(unit.help), as counted by the chip.", indexes, sorted, labels, divisor: unit.divisor, into: &writer) {
                    $0.input
                }
            } else {
                write(base, .gauge, help: "\(unit.help).", indexes, sorted, labels, divisor: unit.divisor, into: &writer) { $0.input }
            }
            guard type != .intrusion else { continue }
            for limit in SensorLimit.allCases {
                let name = "hosthealth_sensor_\(unit.stem)_\(limit.rawValue)_\(unit.suffix)"
                write(name, .gauge, help: "\(unit.help): the chip's \(limit.rawValue) limit.", indexes, sorted, labels, divisor: unit.divisor, into: &writer) {
                    $0.limits[limit]
                }
            }
            for limit in SensorLimit.allCases {
                let name = "hosthealth_sensor_\(unit.stem)_\(limit.rawValue)_hysteresis_\(unit.suffix)"
                let help = "\(unit.help): where the chip clears its \(limit.rawValue) alarm."
                write(name, .gauge, help: help, indexes, sorted, labels, divisor: unit.divisor, into: &writer) {
                    $0.limits.hysteresis(of: limit)
                }
            }
        }

        if sorted.contains(where: { !$0.alarms.isEmpty }) {
            writer.family("hosthealth_sensor_alarm", .gauge, help: "1 when the chip raises this alarm flag of the sensor (alarm: its general flag; min, max, lcrit, crit, emergency, cap: that limit's).")
            for sensor in sorted {
                for (alarm, raised) in sensor.alarms.sorted(by: { $0.key < $1.key }) {
                    writer.sample("hosthealth_sensor_alarm", [
                        "sensor": sensor.id.description, "chip": sensor.chip, "feature": sensor.feature,
                        "label": sensor.label, "alarm": alarm.rawValue,
                    ], raised ? 1 : 0)
                }
            }
        }
        let faultIndexes = sorted.indices.filter { sorted[$0].fault != nil }
        if !faultIndexes.isEmpty {
            write("hosthealth_sensor_fault", .gauge, help: "1 when the chip reports the sensor as faulty (e.g. an open thermal diode).", faultIndexes, sorted, labels, into: &writer) {
                $0.fault.map { $0 ? 1 : 0 }
            }
        }
        write("hosthealth_sensor_read_error", .gauge, help: "1 when part of the sensor could not be read at the last reading.", Array(sorted.indices), sorted, labels, into: &writer) {
            $0.problem == nil ? 0 : 1
        }
    }

    /// One family over the sensors at `indexes`, written only when at least one has a value.
    private static func write(
        _ name: String, _ type: MetricType, help: String, _ indexes: [Int], _ sensors: [Sensor], _ labels: [[UInt8]],
        divisor: Double = 1, into writer: inout MetricsWriter, value: (Sensor) -> Double?
    ) {
        var wroteFamily = false
        for index in indexes {
            guard let raw = value(sensors[index]) else { continue }
            if !wroteFamily {
                writer.family(name, type, help: help)
                wroteFamily = true
            }
            writer.sample(name, encodedLabels: labels[index], raw / divisor)
        }
    }
}
