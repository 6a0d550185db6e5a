import Foundation
import Testing

/// The real peer: for the same testbed and sensors.conf, every value the reader reports is the
/// one `sensors -u` prints (lm-sensors' own tool over the same libsensors).
@Suite(
    "SensorReader: the same values as `sensors -u`",
    .enabled(if: Testbed.available && FileManager.default.isExecutableFile(atPath: "/usr/bin/sensors"), "needs umockdev-run and lm-sensors")
)
struct SensorsPeerTests {
    /// Our field for a subfeature suffix (`max_hyst` → `max_hyst`, `crit_alarm` → `alarm_crit`).
    static func field(_ suffix: Substring) -> String? {
        switch suffix {
        case "input", "min", "max", "lcrit", "crit", "emergency", "fault": String(suffix)
        case "min_hyst", "max_hyst", "lcrit_hyst", "crit_hyst", "emergency_hyst": String(suffix)
        case "alarm": "alarm_alarm"
        case "min_alarm", "max_alarm", "lcrit_alarm", "crit_alarm", "emergency_alarm", "cap_alarm":
            "alarm_" + suffix.dropLast("_alarm".count)
        default: nil
        }
    }

    @Test func everyValueTheReaderReportsIsTheOneSensorsPrints() throws {
        var bed = Testbed()
        Beds.all(into: &bed)
        #expect(try Self.compareWithSensors(bed, config: Beds.superIOConfig) >= 60)
    }

    @Test(.enabled(if: HwmonCorpus.root != nil, "no corpus"))
    func everyCorpusValueIsTheOneSensorsPrints() throws {
        let bed = try HwmonCorpus.testbed(try #require(HwmonCorpus.root))
        #expect(try Self.compareWithSensors(bed, config: "") >= 30)
    }

    /// Reads the testbed with the reader and with `sensors -u`, expects every value `sensors`
    /// prints to be the reader's, and returns how many were compared.
    static func compareWithSensors(_ bed: Testbed, config: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        let sensors = ProbedSensor.parse(try bed.run(["read"], config: config))
        let printed = try bed.runSensors(config: config)
        var compared = 0
        var chip = ""
        var seen: [String: Int] = [:]
        for line in printed.split(separator: "\n") {
            if !line.hasPrefix(" "), !line.hasSuffix(":"), !line.hasPrefix("Adapter:") {
                // A chip; two chips of one name come in order, as in the reader's output.
                chip = String(line)
                seen[chip, default: 0] += 1
                continue
            }
            guard line.hasPrefix("  "), let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            guard let underscore = name.firstIndex(of: "_"), let field = field(name[name.index(after: underscore)...]) else { continue }
            let feature = String(name[..<underscore])
            let value = Double(line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            let candidates = sensors.filter { $0["chip"] == chip && $0["feature"] == feature }
            let ordinal = seen[chip, default: 1]
            let sensor = try #require(candidates.count >= ordinal ? candidates[ordinal - 1] : nil, "\(chip) \(feature) not read", sourceLocation: sourceLocation)
            let ours = try #require(sensor[field].flatMap(Double.init), "\(chip) \(name): reader has \(sensor[field] ?? "nothing")", sourceLocation: sourceLocation)
            #expect(abs(ours - (value ?? .nan)) < 0.0005, "\(chip) \(name): sensors \(value ?? .nan), reader \(ours)", sourceLocation: sourceLocation)
            compared += 1
        }
        return compared
    }
}

extension Testbed {
    /// `sensors -u -c CONFIG` inside the testbed.
    func runSensors(config: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hosthealth-sensors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let bed = directory.appendingPathComponent("bed.umockdev")
        try Data(text.utf8).write(to: bed)
        let file = directory.appendingPathComponent("sensors3.conf")
        try Data(config.utf8).write(to: file)
        return try Self.launch(Self.umockdevRun, ["-d", bed.path, "--", "/usr/bin/sensors", "-u", "-c", file.path], input: "")
    }
}
