package import HostHealthModel
package import HostHealthConfig

/// Judges hardware sensors against their chips' limits. Past max (or below min) is degraded,
/// at crit or emergency (or below lcrit) is failed, and a raised alarm flag counts as the limit
/// it names (`crit_alarm` fails; the general alarm, `min_alarm` and `max_alarm` degrade), a fault flag or
/// a failed read is unknown for that sensor alone. A crossed limit stays crossed until the
/// reading is back inside it by the chip's hysteresis (`temp1_max_hyst`), or by the configured
/// margin where the chip has none: a temperature hovering at its max does not flap.
///
/// Super-I/O chips report 0 for every limit nobody programmed (`in1_min` = `in1_max` = 0), and
/// raise alarms against them: a limit of exactly 0 is taken as not set, and an alarm about
/// limits that are not set is not news. A chassis intrusion flag is shown, but does not change
/// the state: it says nothing about what the host can serve, latches until someone clears it,
/// and floats at 1 on boards with nothing on the header.
package struct SensorHealth: Sendable {
    package var config: SensorConfig

    package init(config: SensorConfig) {
        self.config = config
    }

    /// One verdict per judged sensor. `crossed` holds the limits each sensor was past at the
    /// last reading and is updated for the next one.
    package func verdicts(
        _ sensors: [Sensor], crossed: inout [ComponentID: Set<SensorLimit>], stale: String?
    ) -> [Verdict] {
        var verdicts: [Verdict] = []
        verdicts.reserveCapacity(sensors.count)
        var next: [ComponentID: Set<SensorLimit>] = [:]
        for sensor in sensors where !config.ignores(sensor) {
            let id = sensor.id
            var limits = crossed[id] ?? []
            var verdict = judge(sensor, crossed: &limits)
            if !limits.isEmpty { next[id] = limits }
            if stale != nil { verdict.stale = true }
            if let why = SensorStanding.notCounted(sensor, state: verdict.state) {
                // Shown and exported, not counted; policy.components can say otherwise.
                verdict.declared = ComponentRule(ignore: true)
                verdict.reason += (verdict.reason.isEmpty ? "" : "; ") + "not counted: " + why
            }
            verdicts.append(verdict)
        }
        crossed = next
        return verdicts
    }

    /// The verdict on one reading. `crossed` comes in as the limits past at the last reading
    /// and goes out as those past now; it is left alone when there is no reading to judge.
    package func judge(_ sensor: Sensor, crossed: inout Set<SensorLimit>) -> Verdict {
        // A part that cannot be read (a limit, an alarm) leaves the rest to judge; only a
        // reading that cannot be had makes the sensor unknown.
        let partly = sensor.problem.map { " (cannot read \($0))" } ?? ""
        func verdict(_ state: HealthState, _ reason: String) -> Verdict {
            Verdict(id: sensor.id, name: sensor.displayName, state: state, reason: reason + partly)
        }
        if sensor.problem != nil, sensor.input == nil {
            return Verdict(id: sensor.id, name: sensor.displayName, state: .unknown, reason: "cannot read: \(sensor.problem ?? "")")
        }
        if sensor.fault == true {
            return verdict(.unknown, "the chip reports a sensor fault")
        }
        if sensor.type == .intrusion {
            return verdict(.ok, sensor.alarms[.alarm] == true ? "chassis intrusion flag raised" : "")
        }
        if let value = sensor.input, let why = SensorPlausibility.implausible(value, sensor.type) {
            return verdict(.unknown, "implausible reading: \(why)")
        }
        var sensor = sensor
        sensor.limits = SensorPlausibility.programmedLimits(of: sensor)
        let raised = sensor.alarms.filter { $0.value && counts($0.key, of: sensor) }.keys.sorted()
        let failing = raised.filter { Self.alarmFails($0) }
        guard let value = sensor.input else {
            if !failing.isEmpty { return verdict(.failed, Self.alarmReason(sensor, failing)) }
            if !raised.isEmpty { return verdict(.degraded, Self.alarmReason(sensor, raised)) }
            return verdict(.ok, "")
        }
        crossed = crossedLimits(sensor, value: value, before: crossed)
        if !failing.isEmpty {
            return verdict(.failed, Self.alarmReason(sensor, failing))
        }
        let worst = crossed.max(by: { (severity($0), $0) < (severity($1), $1) })
        if let worst, severity(worst) == 2 {
            return verdict(.failed, reason(sensor, worst, value: value))
        }
        if sensor.type == .fan, value == 0, let min = sensor.limits.min, min > 0 {
            return verdict(.degraded, "fan stopped (min \(TextFormat.decimal(min)) rpm)")
        }
        if let worst {
            return verdict(.degraded, reason(sensor, worst, value: value))
        }
        if !raised.isEmpty {
            return verdict(.degraded, Self.alarmReason(sensor, raised))
        }
        return verdict(.ok, "")
    }

    /// Whether a raised alarm fails the host, by the limit it names. The crit, emergency and
    /// lcrit alarms do, as those limits do. The chip's general alarm (`inN_alarm`, `fanN_alarm`,
    /// `tempN_alarm`) is, in the hwmon ABI and on the Super I/O chips that raise it, the chip's
    /// own min/max comparison (a fan below min or stalled, a voltage out of range, a
    /// temperature past its high limit): it degrades, as min and max do; so do min, max and
    /// cap alarms. A real board's `Vbat: +3.34 V (max = +3.30 V) ALARM` failed its host when
    /// every alarm did.
    static func alarmFails(_ alarm: SensorAlarm) -> Bool {
        switch alarm {
        case .crit, .emergency, .lcrit: true
        case .alarm, .min, .max, .cap: false
        }
    }

    /// The limits past at this reading: newly crossed ones, and those crossed before that the
    /// reading has not yet cleared.
    func crossedLimits(_ sensor: Sensor, value: Double, before: Set<SensorLimit>) -> Set<SensorLimit> {
        var crossed = Set<SensorLimit>()
        for (limit, bound) in sensor.limits.all where bound != 0 {
            let past = switch limit {
            case .crit, .emergency: value >= bound
            case .max: value > bound
            case .min, .lcrit: value < bound
            }
            if past {
                crossed.insert(limit)
            } else if before.contains(limit) {
                let release = release(sensor, limit, bound)
                if limit.isLow ? value <= release : value >= release { crossed.insert(limit) }
            }
        }
        return crossed
    }

    /// The reading at which a crossed limit clears: the chip's hysteresis value where it has a
    /// sensible one (inside the limit), else the limit moved inside by the configured margin.
    package func release(_ sensor: Sensor, _ limit: SensorLimit, _ bound: Double) -> Double {
        if let hardware = sensor.limits.hysteresis(of: limit), limit.isLow ? hardware > bound : hardware < bound {
            return hardware
        }
        let margin = sensor.type == .temperature ? config.marginCelsius : abs(bound) * config.marginRatio
        return limit.isLow ? bound + margin : bound - margin
    }

    /// Whether a raised alarm flag means something: not when it is about a limit that reads 0
    /// (not programmed). The general alarm is the chip's own verdict only on a sensor with no
    /// limits at all; where the chip has limits, the alarm is its comparison against them: the
    /// programmed ones judge the reading themselves, and one raised while the reading is inside
    /// them is about a limit nobody set (`M/B Temp +30 °C (low = +15 °C, high = −128 °C) ALARM`).
    func counts(_ alarm: SensorAlarm, of sensor: Sensor) -> Bool {
        switch alarm {
        case .cap: return true
        case .alarm:
            return sensor.limits.all.isEmpty
        case .lcrit: return sensor.limits.lcrit != 0
        case .min: return sensor.limits.min != 0
        case .max: return sensor.limits.max != 0
        case .crit: return sensor.limits.crit != 0
        case .emergency: return sensor.limits.emergency != 0
        }
    }

    /// 2 for the limits that fail the host, 1 for those that degrade it.
    func severity(_ limit: SensorLimit) -> Int {
        switch limit {
        case .crit, .emergency, .lcrit: 2
        case .max, .min: 1
        }
    }

    func reason(_ sensor: Sensor, _ limit: SensorLimit, value: Double) -> String {
        let bound = sensor.limits[limit] ?? 0
        let unit = sensor.type.unit
        let crossing = switch limit {
        case .crit, .emergency: "at or above \(limit.rawValue)"
        case .max: "above max"
        case .min, .lcrit: "below \(limit.rawValue)"
        }
        var text = "\(sensor.type.rawValue) \(crossing) \(TextFormat.decimal(bound)) \(unit)"
        let release = release(sensor, limit, bound)
        let past = limit.isLow ? value < bound : (limit == .max ? value > bound : value >= bound)
        if !past {
            text += " (clears \(limit.isLow ? "above" : "below") \(TextFormat.decimal(release)) \(unit))"
        }
        return text
    }

    static func alarmReason(_ sensor: Sensor, _ raised: [SensorAlarm]) -> String {
        let names = raised.map { $0 == .alarm ? "alarm" : "\($0.rawValue)_alarm" }
        return "the chip raised \(names.joined(separator: ", "))"
    }

}

extension HealthPolicy {
    /// Sensors: limits with value hysteresis remembered per sensor, then each sensor's verdict.
    func judgeSensors(
        _ snapshot: HostSnapshot, memory: inout HealthMemory, now: Timestamp, readerProblems: inout [String],
        next: inout NextChange
    ) -> [Verdict] {
        guard let sensors = snapshot.sensors else {
            memory.sensorLimitsCrossed = [:]
            return []
        }
        next.staleness(of: snapshot.reader("sensors"), limit: config.sensors.staleAfterSeconds)
        let stale = staleness(of: snapshot.reader("sensors"), limit: config.sensors.staleAfterSeconds, now: now)
        if let stale { readerProblems.append(stale) }
        return SensorHealth(config: config.sensors).verdicts(sensors, crossed: &memory.sensorLimitsCrossed, stale: stale)
    }
}
