package import HostHealthModel

/// Values no sensor can mean: the sentinels drivers and firmware put where there is no
/// reading or no limit, and temperatures outside what any part of a running server reaches.
/// Such a reading makes its sensor unknown (never failed); such a limit is taken as not set.
///
/// - 0 K (−273.15 °C) and 0xFFFF K (65261.85 °C): "no value" in drivers that convert from
///   kelvin (ACPI zones, NVMe composite temperature, power supplies).
/// - All-ones integers (0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF) in the sysfs unit: a register or an
///   ACPI method that returned −1 (an ACPI power meter "at" 4294.97 W).
/// - Temperatures below −60 °C or above 180 °C: electronics in a server are dead or on fire
///   far inside that range (solder reflows near 220 °C; JEDEC parts are rated −40–125 °C), while
///   an unwired 8-bit input pins at −128 °C or +127 °C, which are outside the range for a
///   device-class chip only at the low end: +127 °C on a CPU is a real crit.
package enum SensorPlausibility {
    static let lowestCelsius = -60.0
    static let highestCelsius = 180.0
    static let allOnes: [Double] = [0xFFFF, 0x7FFF_FFFF, 0xFFFF_FFFF]

    /// Why `value` cannot be a reading of this type, or nil when it can.
    package static func implausible(_ value: Double, _ type: SensorType) -> String? {
        if isOutOfRange(value, type) {
            return "\(TextFormat.decimal(value)) °C is no temperature a running part reads"
        }
        if isAllOnes(value, type) {
            return "\(TextFormat.decimal(value)) \(type.unit) is an all-ones register (no reading)"
        }
        return nil
    }

    /// `implausible` without its words: every limit of every sensor passes here at each read.
    static func isImplausible(_ value: Double, _ type: SensorType) -> Bool {
        isOutOfRange(value, type) || isAllOnes(value, type)
    }

    static func isOutOfRange(_ value: Double, _ type: SensorType) -> Bool {
        type == .temperature && (value < lowestCelsius || value > highestCelsius)
    }

    /// The raw sysfs integer behind a libsensors value: milli-units for temperature, voltage
    /// and current, micro-units for power and energy, whole ones for fans and humidity.
    static func isAllOnes(_ value: Double, _ type: SensorType) -> Bool {
        let scale: Double = switch type {
        case .temperature, .voltage, .current: 1_000
        case .power, .energy: 1_000_000
        case .fan, .humidity, .intrusion: 1
        }
        // Firmware in milli-units scaled up by the driver (the ACPI power meter: mW × 1000).
        let raw = (value * scale).rounded()
        let scaledUp = raw.truncatingRemainder(dividingBy: 1_000) == 0 ? raw / 1_000 : raw
        return allOnes.contains(abs(raw)) || allOnes.contains(abs(scaledUp))
    }

    /// The limits with the ones nobody set taken out (as 0, which the judgement reads as not
    /// programmed): sentinels, implausible values, a min above its max (an unprogrammed pair
    /// the chip still raises alarms against), and two more that real boards show under the
    /// BIOS's leftovers:
    /// - a high limit whose hysteresis lies above it (`Sys Temp +43 °C (high = +2.0 °C,
    ///   hyst = +4.0 °C) ALARM`): the chip clears a high alarm below its hysteresis, so such a
    ///   pair is no one's setting;
    /// - a voltage max below half a positive reading (`+12V +12.10 V (min = max = +2.68 V)`,
    ///   `AVCC +3.36 V (max = +0.83 V)`): no rail runs at twice its limit and lives (power
    ///   supplies trip at 20–30 % over), so the limit is not this rail's.
    package static func programmedLimits(of sensor: Sensor) -> SensorLimits {
        var limits = sensor.limits
        for limit in SensorLimit.allCases {
            if let bound = limits[limit], isImplausible(bound, sensor.type) { limits[limit] = 0 }
        }
        for limit in [SensorLimit.max, .crit, .emergency] {
            if let bound = limits[limit], bound != 0, let hysteresis = limits.hysteresis(of: limit), hysteresis > bound {
                limits[limit] = 0
            }
        }
        if let min = limits.min, let max = limits.max, min != 0, max != 0, min > max {
            limits.min = 0
            limits.max = 0
        }
        if let lcrit = limits.lcrit, let crit = limits.crit, lcrit != 0, crit != 0, lcrit > crit {
            limits.lcrit = 0
            limits.crit = 0
        }
        // After the pairs: a max taken out here leaves its min, which may be real.
        if sensor.type == .voltage, let value = sensor.input, value > 0, let max = limits.max, max > 0, max < value / 2 {
            limits.max = 0
        }
        return limits
    }
}
