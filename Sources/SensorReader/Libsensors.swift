internal import CSensors
internal import Glibc
package import HostSystem
package import HostHealthModel
internal import Synchronization

/// libsensors, initialised with one configuration: the only place that calls it.
///
/// libsensors keeps its chips and configuration in process-global state and is not
/// thread-safe, so at most one instance lives at a time, and it is used only on the thread
/// that made it. When hwmon devices come or go, `reinitialise()` (sensors_cleanup, then
/// sensors_init) makes it see the new set of chips.
package final class Libsensors {
    package let configuration: SensorsConfiguration
    /// How many chips the last initialisation found.
    package private(set) var chipCount = 0
    /// What libsensors could not make sense of in the configuration (`file:line: message`).
    /// It skips such lines and applies the rest, as `sensors` does.
    package private(set) var configurationProblems: [String] = []
    private let owner = pthread_self()
    private var initialised = false
    /// Whether sensors.conf labelled a feature, by `<chip path>/<feature>`: labels change only
    /// when libsensors is set up again, so the chip's own label file is read once per set-up.
    private var configuredLabels: [String: Bool] = [:]
    /// The features the operator's own files label, by `<chip path>/<feature>`, when the main
    /// file is still the distribution's (`SensorsConfiguration.operatorOnly`); nil: every
    /// configured label is the operator's.
    private var operatorLabelled: Set<String>?
    private static let inUse = Atomic<Bool>(false)

    package init(configuration: SensorsConfiguration = .system) throws(HostHealthError) {
        guard Self.inUse.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            throw HostHealthError(.sensorsBusy, "libsensors is already in use in this process; it has one global state")
        }
        self.configuration = configuration
        LibsensorsHandlers.install()
        do {
            try start()
        } catch {
            Self.inUse.store(false, ordering: .releasing)
            throw error
        }
    }

    deinit {
        if initialised { sensors_cleanup() }
        Self.inUse.store(false, ordering: .releasing)
    }

    /// libsensors' fatal error (out of memory inside it), once one happened: the thread it
    /// happened on is parked for good, and libsensors must not be used again in this process.
    package static var fatalError: String? {
        LibsensorsHandlers.fatalError.withLock { $0 }
    }

    /// Calls `observer` with the message of a fatal error, on the failing thread, before it parks.
    package static func observeFatalError(_ observer: @escaping @Sendable (String) -> Void) {
        LibsensorsHandlers.fatalErrorObserver.withLock { $0 = observer }
    }

    /// Throws away what libsensors knows and reads the chips and the configuration again.
    package func reinitialise() throws(HostHealthError) {
        confined()
        if initialised {
            sensors_cleanup()
            initialised = false
        }
        try start()
    }

    private func start() throws(HostHealthError) {
        configuredLabels.removeAll()
        operatorLabelled = nil
        if let own = try configuration.operatorOnly() {
            // libsensors matches chip names to `chip` statements itself: set it up once with
            // the operator's files alone and note what they label. An error there shows in
            // the real set-up below, with the whole configuration.
            if Self.initialise(with: own) == 0 {
                operatorLabelled = Self.labelledFeatures()
                sensors_cleanup()
            }
        }
        let text = try configuration.load()
        LibsensorsHandlers.parseErrors.withLock { $0.removeAll() }
        let result = Self.initialise(with: text)
        guard result == 0 else {
            let errors = LibsensorsHandlers.parseErrors.withLock { $0 }
            if result == -SENSORS_ERR_KERNEL {
                throw HostHealthError(.sensorsUnreadable, "libsensors cannot read hwmon devices from /sys (\(String(cString: sensors_strerror(result)))); is sysfs mounted?")
            }
            let detail = errors.isEmpty
                ? String(cString: sensors_strerror(result))
                : errors.map { "\(text.location(ofLine: $0.line)): \($0.message)" }.joined(separator: "; ")
            throw HostHealthError(.sensorsConfiguration, "libsensors refused its configuration: \(detail); fix the file and reload (`sensors` shows the same error)")
        }
        initialised = true
        if configuration.applySets {
            // Its failures come through the parse-error handler, with their line.
            _ = sensors_do_chip_sets(nil)
        }
        configurationProblems = LibsensorsHandlers.parseErrors.withLock { $0 }.map {
            "\(text.location(ofLine: $0.line)): \($0.message)"
        }
        var count: Int32 = 0
        chipCount = 0
        while sensors_get_detected_chips(nil, &count) != nil { chipCount += 1 }
    }

    /// `sensors_init` over a configuration text.
    private static func initialise(with text: SensorsConfigurationText) -> Int32 {
        // An empty configuration still needs a stream (one blank line): NULL would make
        // libsensors read the system files instead of the ones asked for.
        var bytes = text.bytes.isEmpty ? [UInt8(ascii: "\n")] : text.bytes
        return bytes.withUnsafeMutableBytes { raw in
            guard let stream = fmemopen(raw.baseAddress, raw.count, "r") else { return -SENSORS_ERR_PARSE }
            defer { fclose(stream) }
            return sensors_init(stream)
        }
    }

    /// Every feature the loaded configuration labels, by `<chip path>/<feature>`.
    private static func labelledFeatures() -> Set<String> {
        var labelled = Set<String>()
        var chipIndex: Int32 = 0
        while let chip = sensors_get_detected_chips(nil, &chipIndex) {
            let path = chip.pointee.path.map { String(cString: $0) } ?? ""
            var featureIndex: Int32 = 0
            while let feature = sensors_get_features(chip, &featureIndex) {
                let name = String(cString: feature.pointee.name)
                guard let raw = sensors_get_label(chip, feature) else { continue }
                let label = String(cString: raw)
                free(raw)
                if isConfigured(label: label, feature: name, chipPath: path) { labelled.insert(path + "/" + name) }
            }
        }
        return labelled
    }

    /// Reads every feature of every chip. A subfeature that cannot be read marks its sensor
    /// with a problem; the other sensors of the chip are read as usual.
    package func read() -> SensorReading {
        confined()
        var reading = SensorReading()
        var chipIndex: Int32 = 0
        while let chip = sensors_get_detected_chips(nil, &chipIndex) {
            reading.chips += 1
            let name = Self.chipName(chip)
            let path = chip.pointee.path.map { String(cString: $0) } ?? ""
            if access(path, F_OK) != 0 && errno == ENOENT {
                // Gone since libsensors enumerated it: its values would all fail to read.
                reading.vanishedChips += 1
                continue
            }
            let device = Self.device(ofChipAt: path)
            var featureIndex: Int32 = 0
            while let feature = sensors_get_features(chip, &featureIndex) {
                guard let type = SubfeatureRole.sensorType(feature.pointee.type) else { continue }
                let featureName = String(cString: feature.pointee.name)
                var label: String?
                if let raw = sensors_get_label(chip, feature) {
                    label = String(cString: raw)
                    free(raw)
                }
                var sensor = Sensor(chip: name, chipPath: path, device: device, feature: featureName, label: label, type: type)
                let labelKey = path + "/" + featureName
                if let known = configuredLabels[labelKey] {
                    sensor.configuredLabel = known
                } else {
                    sensor.configuredLabel = Self.isConfigured(label: label, feature: featureName, chipPath: path)
                        && operatorLabelled?.contains(labelKey) != false
                    configuredLabels[labelKey] = sensor.configuredLabel
                }
                read(chip, feature, into: &sensor, unreadable: &reading.unreadableSubfeatures)
                reading.sensors.append(sensor)
            }
        }
        SensorKeys.assign(&reading.sensors)
        return reading
    }

    private func read(
        _ chip: UnsafePointer<sensors_chip_name>, _ feature: UnsafePointer<sensors_feature>,
        into sensor: inout Sensor, unreadable: inout Int
    ) {
        var average: Double?
        var problems: [String] = []
        var index: Int32 = 0
        while let subfeature = sensors_get_all_subfeatures(chip, feature, &index) {
            guard let role = SubfeatureRole.byType[UInt32(subfeature.pointee.type.rawValue)] else { continue }
            let name = String(cString: subfeature.pointee.name)
            guard subfeature.pointee.flags & UInt32(SENSORS_MODE_R) != 0 else {
                problems.append("\(name): not readable")
                unreadable += 1
                continue
            }
            var value = 0.0
            let result = sensors_get_value(chip, subfeature.pointee.number, &value)
            guard result == 0, value.isFinite else {
                problems.append("\(name): \(result == 0 ? "not a number" : String(cString: sensors_strerror(result)))")
                unreadable += 1
                continue
            }
            switch role {
            case .input: sensor.input = value
            case .average: average = value
            case .limit(let limit): sensor.limits[limit] = value
            case .hysteresis(let limit): sensor.limits.setHysteresis(value, of: limit)
            case .alarm(let alarm): sensor.alarms[alarm] = value != 0
            case .fault: sensor.fault = value != 0
            }
        }
        if sensor.type == .intrusion { sensor.input = sensor.alarms[.alarm].map { $0 ? 1 : 0 } }
        if sensor.input == nil { sensor.input = average }
        if !problems.isEmpty { sensor.problem = problems.joined(separator: "; ") }
    }

    /// Whether sensors.conf gave the label: libsensors falls back to the chip's own
    /// (`temp1_label`) and then to the feature name, so a label that is neither is configured.
    /// (A configured label equal to the chip's own reads as the chip's; it says nothing new.)
    static func isConfigured(label: String?, feature: String, chipPath: String) -> Bool {
        guard let label, label != feature else { return false }
        guard let own = SysfsAttribute.text(chipPath + "/" + feature + "_label") else { return true }
        let trimmed = { (text: String) in String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()) }
        return trimmed(own) != trimmed(label)
    }

    /// `coretemp-isa-0000`, as `sensors` prints it.
    static func chipName(_ chip: UnsafePointer<sensors_chip_name>) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        let length = sensors_snprintf_chip_name(&buffer, buffer.count, chip)
        guard length > 0 else { return chip.pointee.prefix.map { String(cString: $0) } ?? "unknown" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The chip's device under /sys/devices (`platform/coretemp.0`): the hwmon directory's
    /// `device` link resolved, or the directory itself when libsensors read the device's own
    /// attributes.
    static func device(ofChipAt path: String) -> String? {
        guard !path.isEmpty else { return nil }
        let resolved = realpath(path + "/device", nil) ?? realpath(path, nil)
        guard let resolved else { return nil }
        defer { free(resolved) }
        let full = String(cString: resolved)
        let prefix = "/sys/devices/"
        return full.hasPrefix(prefix) ? String(full.dropFirst(prefix.count)) : full
    }

    private func confined() {
        precondition(pthread_equal(owner, pthread_self()) != 0, "libsensors used from a thread other than the one that initialised it")
    }
}
