/// One hardware sensor as libsensors shows it: a feature (`temp1`, `in0`, `fan2`) of a chip
/// (`coretemp-isa-0000`), read after the system's sensors.conf applied its labels, computes and
/// ignores. Values are in libsensors' units: °C, V, A, W, J, rpm, %RH.
package struct Sensor: Sendable, Equatable {
    /// The chip name libsensors prints, prefix-bus-address: `coretemp-isa-0000`,
    /// `nct6779-isa-0290`, `nvme-pci-0100`. Two chips of one driver differ in bus or address.
    package var chip: String
    /// The hwmon directory libsensors reads (`/sys/class/hwmon/hwmon3`); changes across boots.
    package var chipPath: String
    /// The device behind the chip as a stable path under `/sys/devices`
    /// (`platform/coretemp.0`), nil when there is none; tells apart chips whose names collide.
    package var device: String?
    /// The feature's sysfs name: `temp1`, `in0`, `fan2`, `intrusion0`.
    package var feature: String
    /// The label from sensors.conf, else the chip's own (`Package id 0`), else the feature name.
    package var label: String
    /// The label comes from sensors.conf (a `label` statement), not from the chip: the
    /// operator said what the input is wired to.
    package var configuredLabel: Bool = false
    package var type: SensorType
    /// The reading (for power, the average where the chip has no instant input; for an
    /// intrusion, its alarm); nil when the chip has none or it could not be read.
    package var input: Double?
    package var limits: SensorLimits
    /// The alarm flags the chip has, by kind, with their value (true: raised).
    package var alarms: [SensorAlarm: Bool]
    /// The chip says the sensor is broken (`temp1_fault`, `fan1_fault`); nil when it has no such flag.
    package var fault: Bool?
    /// Why part of this sensor could not be read (`temp1_max: I/O error`); it makes this sensor,
    /// not its chip, unknown.
    package var problem: String?
    /// The component key, `<chip>/<feature>`: see `SensorKeys`.
    package var key: String

    package init(
        chip: String, chipPath: String, device: String? = nil, feature: String, label: String? = nil,
        type: SensorType, input: Double? = nil, limits: SensorLimits = SensorLimits(),
        alarms: [SensorAlarm: Bool] = [:], fault: Bool? = nil, problem: String? = nil, key: String? = nil
    ) {
        self.chip = chip
        self.chipPath = chipPath
        self.device = device
        self.feature = feature
        self.label = label ?? feature
        self.type = type
        self.input = input
        self.limits = limits
        self.alarms = alarms
        self.fault = fault
        self.problem = problem
        self.key = key ?? "\(chip)/\(feature)"
    }

    package var id: ComponentID { ComponentID(kind: .sensor, key: key) }

    /// Any alarm flag raised.
    package var alarmRaised: Bool { alarms.values.contains(true) }

    /// The name operators see: the chip and the label, as `sensors` groups them.
    package var displayName: String {
        label == feature ? key : "\(key) (\(label))"
    }
}

/// What a feature measures; the cases are libsensors' main feature types.
package enum SensorType: String, Sendable, CaseIterable, Comparable {
    case temperature
    case voltage
    case fan
    case power
    case current
    case energy
    case humidity
    case intrusion

    /// The unit of libsensors' values, for reasons people read.
    package var unit: String {
        switch self {
        case .temperature: "°C"
        case .voltage: "V"
        case .fan: "rpm"
        case .power: "W"
        case .current: "A"
        case .energy: "J"
        case .humidity: "%RH"
        case .intrusion: ""
        }
    }

    package static func < (lhs: SensorType, rhs: SensorType) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}

/// A sensor's limits. The hysteresis values are absolute, as the kernel ABI reports them
/// (`temp1_max_hyst` = 75 for a max of 80): the reading at which that limit's alarm clears.
package struct SensorLimits: Sendable, Equatable {
    package var min: Double?
    package var max: Double?
    package var lcrit: Double?
    package var crit: Double?
    package var emergency: Double?
    package var minHysteresis: Double?
    package var maxHysteresis: Double?
    package var lcritHysteresis: Double?
    package var critHysteresis: Double?
    package var emergencyHysteresis: Double?

    package init(
        min: Double? = nil, max: Double? = nil, lcrit: Double? = nil, crit: Double? = nil,
        emergency: Double? = nil, minHysteresis: Double? = nil, maxHysteresis: Double? = nil,
        lcritHysteresis: Double? = nil, critHysteresis: Double? = nil, emergencyHysteresis: Double? = nil
    ) {
        self.min = min
        self.max = max
        self.lcrit = lcrit
        self.crit = crit
        self.emergency = emergency
        self.minHysteresis = minHysteresis
        self.maxHysteresis = maxHysteresis
        self.lcritHysteresis = lcritHysteresis
        self.critHysteresis = critHysteresis
        self.emergencyHysteresis = emergencyHysteresis
    }

    /// Every limit the chip has, with its kind.
    package var all: [(SensorLimit, Double)] {
        SensorLimit.allCases.compactMap { limit in self[limit].map { (limit, $0) } }
    }

    package subscript(limit: SensorLimit) -> Double? {
        get {
            switch limit {
            case .min: min
            case .max: max
            case .lcrit: lcrit
            case .crit: crit
            case .emergency: emergency
            }
        }
        set {
            switch limit {
            case .min: min = newValue
            case .max: max = newValue
            case .lcrit: lcrit = newValue
            case .crit: crit = newValue
            case .emergency: emergency = newValue
            }
        }
    }

    /// The hardware hysteresis of a limit, where the chip has one.
    package func hysteresis(of limit: SensorLimit) -> Double? {
        switch limit {
        case .min: minHysteresis
        case .max: maxHysteresis
        case .lcrit: lcritHysteresis
        case .crit: critHysteresis
        case .emergency: emergencyHysteresis
        }
    }

    package mutating func setHysteresis(_ value: Double?, of limit: SensorLimit) {
        switch limit {
        case .min: minHysteresis = value
        case .max: maxHysteresis = value
        case .lcrit: lcritHysteresis = value
        case .crit: critHysteresis = value
        case .emergency: emergencyHysteresis = value
        }
    }
}

/// The limits hwmon defines, named as in sysfs (`_min`, `_max`, `_lcrit`, `_crit`, `_emergency`).
package enum SensorLimit: String, Sendable, CaseIterable, Comparable {
    case lcrit
    case min
    case max
    case crit
    case emergency

    /// Low limits are crossed from above (a voltage sagging, a fan slowing).
    package var isLow: Bool { self == .min || self == .lcrit }

    package static func < (lhs: SensorLimit, rhs: SensorLimit) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The alarm flags hwmon defines: the chip's own verdict that a limit was crossed
/// (`alarm` is the general one, e.g. `in0_alarm`, `intrusion0_alarm`).
package enum SensorAlarm: String, Sendable, CaseIterable, Comparable {
    case alarm
    case lcrit
    case min
    case max
    case crit
    case emergency
    case cap

    package static func < (lhs: SensorAlarm, rhs: SensorAlarm) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Gives every sensor a component key that never collides: `<chip>/<feature>` where the chip
/// name is unique, `<chip>@<device>/<feature>` where two chips share a name (several `acpitz`
/// thermal zones, chips libsensors shows as `virtual`). The device path is stable across
/// re-enumeration, the hwmon number is not.
package enum SensorKeys {
    package static func assign(_ sensors: inout [Sensor]) {
        var pathsByChip: [String: Set<String>] = [:]
        for sensor in sensors {
            pathsByChip[sensor.chip, default: []].insert(sensor.chipPath)
        }
        var used = Set<String>()
        for index in sensors.indices {
            let sensor = sensors[index]
            var key = "\(sensor.chip)/\(sensor.feature)"
            if pathsByChip[sensor.chip, default: []].count > 1 {
                let qualifier = sensor.device ?? sensor.chipPath
                key = "\(sensor.chip)@\(qualifier)/\(sensor.feature)"
            }
            // The last resort: two chips at one device with one name.
            var candidate = key
            var ordinal = 2
            while !used.insert(candidate).inserted {
                candidate = "\(key)#\(ordinal)"
                ordinal += 1
            }
            sensors[index].key = candidate
        }
    }
}
