internal import CSensors
internal import HostHealthModel

/// What a libsensors subfeature is to a `Sensor`. Subfeatures with no role (beep, div, pulses,
/// lowest/highest, offset, type, power cap) are neither read nor exported.
enum SubfeatureRole: Sendable, Equatable {
    case input
    /// power's average: the reading where the chip has no instant input.
    case average
    case limit(SensorLimit)
    case hysteresis(SensorLimit)
    case alarm(SensorAlarm)
    case fault

    /// The role of each libsensors subfeature type that has one.
    static let byType: [UInt32: SubfeatureRole] = {
        let roles: [(sensors_subfeature_type, SubfeatureRole)] = [
            (SENSORS_SUBFEATURE_IN_INPUT, .input),
            (SENSORS_SUBFEATURE_IN_MIN, .limit(.min)),
            (SENSORS_SUBFEATURE_IN_MAX, .limit(.max)),
            (SENSORS_SUBFEATURE_IN_LCRIT, .limit(.lcrit)),
            (SENSORS_SUBFEATURE_IN_CRIT, .limit(.crit)),
            (SENSORS_SUBFEATURE_IN_ALARM, .alarm(.alarm)),
            (SENSORS_SUBFEATURE_IN_MIN_ALARM, .alarm(.min)),
            (SENSORS_SUBFEATURE_IN_MAX_ALARM, .alarm(.max)),
            (SENSORS_SUBFEATURE_IN_LCRIT_ALARM, .alarm(.lcrit)),
            (SENSORS_SUBFEATURE_IN_CRIT_ALARM, .alarm(.crit)),

            (SENSORS_SUBFEATURE_FAN_INPUT, .input),
            (SENSORS_SUBFEATURE_FAN_MIN, .limit(.min)),
            (SENSORS_SUBFEATURE_FAN_MAX, .limit(.max)),
            (SENSORS_SUBFEATURE_FAN_ALARM, .alarm(.alarm)),
            (SENSORS_SUBFEATURE_FAN_FAULT, .fault),
            (SENSORS_SUBFEATURE_FAN_MIN_ALARM, .alarm(.min)),
            (SENSORS_SUBFEATURE_FAN_MAX_ALARM, .alarm(.max)),

            (SENSORS_SUBFEATURE_TEMP_INPUT, .input),
            (SENSORS_SUBFEATURE_TEMP_MAX, .limit(.max)),
            (SENSORS_SUBFEATURE_TEMP_MAX_HYST, .hysteresis(.max)),
            (SENSORS_SUBFEATURE_TEMP_MIN, .limit(.min)),
            (SENSORS_SUBFEATURE_TEMP_CRIT, .limit(.crit)),
            (SENSORS_SUBFEATURE_TEMP_CRIT_HYST, .hysteresis(.crit)),
            (SENSORS_SUBFEATURE_TEMP_LCRIT, .limit(.lcrit)),
            (SENSORS_SUBFEATURE_TEMP_EMERGENCY, .limit(.emergency)),
            (SENSORS_SUBFEATURE_TEMP_EMERGENCY_HYST, .hysteresis(.emergency)),
            (SENSORS_SUBFEATURE_TEMP_MIN_HYST, .hysteresis(.min)),
            (SENSORS_SUBFEATURE_TEMP_LCRIT_HYST, .hysteresis(.lcrit)),
            (SENSORS_SUBFEATURE_TEMP_ALARM, .alarm(.alarm)),
            (SENSORS_SUBFEATURE_TEMP_MAX_ALARM, .alarm(.max)),
            (SENSORS_SUBFEATURE_TEMP_MIN_ALARM, .alarm(.min)),
            (SENSORS_SUBFEATURE_TEMP_CRIT_ALARM, .alarm(.crit)),
            (SENSORS_SUBFEATURE_TEMP_FAULT, .fault),
            (SENSORS_SUBFEATURE_TEMP_EMERGENCY_ALARM, .alarm(.emergency)),
            (SENSORS_SUBFEATURE_TEMP_LCRIT_ALARM, .alarm(.lcrit)),

            (SENSORS_SUBFEATURE_POWER_AVERAGE, .average),
            (SENSORS_SUBFEATURE_POWER_INPUT, .input),
            (SENSORS_SUBFEATURE_POWER_MAX, .limit(.max)),
            (SENSORS_SUBFEATURE_POWER_CRIT, .limit(.crit)),
            (SENSORS_SUBFEATURE_POWER_MIN, .limit(.min)),
            (SENSORS_SUBFEATURE_POWER_LCRIT, .limit(.lcrit)),
            (SENSORS_SUBFEATURE_POWER_ALARM, .alarm(.alarm)),
            (SENSORS_SUBFEATURE_POWER_CAP_ALARM, .alarm(.cap)),
            (SENSORS_SUBFEATURE_POWER_MAX_ALARM, .alarm(.max)),
            (SENSORS_SUBFEATURE_POWER_CRIT_ALARM, .alarm(.crit)),
            (SENSORS_SUBFEATURE_POWER_MIN_ALARM, .alarm(.min)),
            (SENSORS_SUBFEATURE_POWER_LCRIT_ALARM, .alarm(.lcrit)),

            (SENSORS_SUBFEATURE_ENERGY_INPUT, .input),

            (SENSORS_SUBFEATURE_CURR_INPUT, .input),
            (SENSORS_SUBFEATURE_CURR_MIN, .limit(.min)),
            (SENSORS_SUBFEATURE_CURR_MAX, .limit(.max)),
            (SENSORS_SUBFEATURE_CURR_LCRIT, .limit(.lcrit)),
            (SENSORS_SUBFEATURE_CURR_CRIT, .limit(.crit)),
            (SENSORS_SUBFEATURE_CURR_ALARM, .alarm(.alarm)),
            (SENSORS_SUBFEATURE_CURR_MIN_ALARM, .alarm(.min)),
            (SENSORS_SUBFEATURE_CURR_MAX_ALARM, .alarm(.max)),
            (SENSORS_SUBFEATURE_CURR_LCRIT_ALARM, .alarm(.lcrit)),
            (SENSORS_SUBFEATURE_CURR_CRIT_ALARM, .alarm(.crit)),

            (SENSORS_SUBFEATURE_HUMIDITY_INPUT, .input),

            (SENSORS_SUBFEATURE_INTRUSION_ALARM, .alarm(.alarm)),
        ]
        return Dictionary(uniqueKeysWithValues: roles.map { (UInt32($0.0.rawValue), $0.1) })
    }()

    /// The sensor type of a libsensors main feature type; nil for the ones that are not
    /// sensors (VID, beep enable).
    static func sensorType(_ type: sensors_feature_type) -> SensorType? {
        switch type {
        case SENSORS_FEATURE_IN: .voltage
        case SENSORS_FEATURE_FAN: .fan
        case SENSORS_FEATURE_TEMP: .temperature
        case SENSORS_FEATURE_POWER: .power
        case SENSORS_FEATURE_ENERGY: .energy
        case SENSORS_FEATURE_CURR: .current
        case SENSORS_FEATURE_HUMIDITY: .humidity
        case SENSORS_FEATURE_INTRUSION: .intrusion
        default: nil
        }
    }
}
