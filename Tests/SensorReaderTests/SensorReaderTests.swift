import Foundation
import Testing

/// The reader against umockdev testbeds: libsensors itself enumerates the testbed's chips,
/// applies the sensors.conf written for the test, and reads the values.
@Suite("SensorReader: libsensors over umockdev testbeds", .enabled(if: Testbed.available, "umockdev-run is not installed"))
struct SensorReaderTests {
    func read(_ build: (inout Testbed) -> Void, config: String? = nil, configDirectory: [String: String] = [:]) throws -> [ProbedSensor] {
        var bed = Testbed()
        build(&bed)
        return ProbedSensor.parse(try bed.run(["read"], config: config, configDirectory: configDirectory))
    }

    // MARK: coretemp with two packages

    @Test func twoCoretempPackagesAreTwoChipsNamedByTheirPlatformDevice() throws {
        let sensors = try read(Beds.coretempTwoPackages)
        #expect(Set(sensors.compactMap { $0["chip"] }) == ["coretemp-isa-0000", "coretemp-isa-0001"])
        #expect(sensors.count == 6)
        #expect(Set(sensors.compactMap { $0["key"] }).count == 6)
    }

    @Test func coretempReadingsAndLimitsAreInDegreesWithTheChipsLabels() throws {
        let package = try #require(try read(Beds.coretempTwoPackages)[key: "coretemp-isa-0001/temp1"])
        #expect(package["label"] == "Package id 1")
        #expect(package["type"] == "temperature")
        #expect(package["input"] == "46")
        #expect(package["max"] == "80")
        #expect(package["crit"] == "100")
        #expect(package["alarm_crit"] == "0")
        #expect(package["device"] == "platform/coretemp.1")
    }

    // MARK: Super-I/O with sensors.d

    @Test func sensorsDLabelsComputesAndIgnoresAreApplied() throws {
        let sensors = try read({ Beds.superIO(into: &$0) }, configDirectory: ["50-board.conf": Beds.superIOConfig])
        let vcore = try #require(sensors[key: "nct6779-isa-0290/in0"])
        #expect(vcore["label"] == "Vcore")
        #expect(vcore["input"] == "0.792")
        let twelve = try #require(sensors[key: "nct6779-isa-0290/in1"])
        #expect(twelve["label"] == "+12V")
        #expect(twelve["input"] == "12")
        #expect(twelve["min"] == "10.8")
        #expect(twelve["max"] == "13.2")
        #expect(sensors[key: "nct6779-isa-0290/in2"] == nil)
        #expect(sensors[key: "nct6779-isa-0290/fan2"]?["label"] == "CPU fan")
        // Labelled in sensors.d: the operator says what they are wired to.
        #expect(vcore["configured_label"] == "1")
        #expect(sensors[key: "nct6779-isa-0290/fan1"]?["configured_label"] == "0")
    }

    /// Debian's stock sensors3.conf labels `in0 "Vcore"` and `in8 "Vbat"` on nct677x chips;
    /// still as shipped (dpkg's MD5 matches), those labels are the distribution's and the
    /// inputs stay uncounted, while what the operator labels in sensors.d counts. Edited, the
    /// main file is the operator's word too.
    @Test func labelsOfAStockMainFileAreNotTheOperatorsButTheDropInsAre() throws {
        var bed = Testbed()
        Beds.superIO(into: &bed)
        let stock = "chip \"nct6779-*\"\n    label in0 \"Vcore\"\n    label fan1 \"Chassis\"\n"
        let dropIn = ["50-board.conf": "chip \"nct6779-*\"\n    label fan1 \"Front fan\"\n"]
        let packaged = ProbedSensor.parse(try bed.run(["read"], config: stock, configDirectory: dropIn, packagedConfig: true))
        #expect(packaged[key: "nct6779-isa-0290/in0"]?["label"] == "Vcore")
        #expect(packaged[key: "nct6779-isa-0290/in0"]?["configured_label"] == "0", "the distribution's label")
        #expect(packaged[key: "nct6779-isa-0290/fan1"]?["label"] == "Front fan")
        #expect(packaged[key: "nct6779-isa-0290/fan1"]?["configured_label"] == "1", "the operator's label")
        let edited = ProbedSensor.parse(try bed.run(["read"], config: stock, configDirectory: dropIn))
        #expect(edited[key: "nct6779-isa-0290/in0"]?["configured_label"] == "1", "not known as packaged: the operator's")
    }

    @Test func theChipsOwnLabelIsNotAConfiguredOne() throws {
        let sensors = try read(Beds.coretempTwoPackages, configDirectory: ["50-board.conf": Beds.superIOConfig])
        #expect(sensors[key: "coretemp-isa-0000/temp1"]?["label"] == "Package id 0")
        #expect(sensors[key: "coretemp-isa-0000/temp1"]?["configured_label"] == "0")
        let relabelled = try read(
            Beds.coretempTwoPackages, configDirectory: ["50-cpu.conf": "chip \"coretemp-*\"\n    label temp1 \"CPU\"\n"])
        #expect(relabelled[key: "coretemp-isa-0000/temp1"]?["configured_label"] == "1")
    }

    @Test func theMainFileIsReadBeforeTheDropIns() throws {
        // The drop-in's label wins, as it does for `sensors`.
        let sensors = try read(
            { Beds.superIO(into: &$0) }, config: "chip \"nct6779-*\"\n    label in0 \"from main\"\n    label fan2 \"Main fan\"\n",
            configDirectory: ["50-board.conf": Beds.superIOConfig])
        #expect(sensors[key: "nct6779-isa-0290/in0"]?["label"] == "Vcore")
    }

    @Test func withoutConfigurationTheChipsOwnNamesShow() throws {
        let sensors = try read({ Beds.superIO(into: &$0) })
        #expect(sensors[key: "nct6779-isa-0290/in1"]?["label"] == "in1")
        #expect(sensors[key: "nct6779-isa-0290/in1"]?["input"] == "1")
        #expect(sensors[key: "nct6779-isa-0290/in2"] != nil)
    }

    @Test func fansVoltagesTemperatureAndIntrusionAreAllRead() throws {
        let sensors = try read { Beds.superIO(into: &$0, intrusion: true) }
        let types = Dictionary(uniqueKeysWithValues: sensors.map { ($0["feature"] ?? "", $0["type"] ?? "") })
        #expect(types == [
            "in0": "voltage", "in1": "voltage", "in2": "voltage", "fan1": "fan", "fan2": "fan", "temp1": "temperature",
            "intrusion0": "intrusion",
        ])
        #expect(sensors[key: "nct6779-isa-0290/intrusion0"]?["alarm_alarm"] == "1")
        #expect(sensors[key: "nct6779-isa-0290/temp1"]?["max_hyst"] == "75")
        #expect(sensors[key: "nct6779-isa-0290/fan1"]?["alarm_alarm"] == "1")
        #expect(sensors[key: "nct6779-isa-0290/fan1"]?["min"] == "300")
    }

    @Test func aConfigurationLineLibsensorsSkipsIsReportedWithItsFileAndLine() throws {
        var bed = Testbed()
        Beds.superIO(into: &bed)
        let output = try bed.run(["read"], configDirectory: [
            "50-board.conf": "chip \"nct6779-*\"\n    label in0 \"Vcore\"\n    lable fan2 \"CPU fan\"\n",
        ])
        let warnings = output.split(separator: "\n").filter { $0.hasPrefix("warning\t") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("sensors.d/50-board.conf:3: ") == true, "\(warnings)")
        // The rest of the file still applies, as it does for `sensors`.
        #expect(ProbedSensor.parse(output)[key: "nct6779-isa-0290/in0"]?["label"] == "Vcore")
    }

    @Test func configurationLinesAreCountedAcrossFilesInNameOrder() throws {
        var bed = Testbed()
        Beds.superIO(into: &bed)
        let output = try bed.run(["read"], config: "# main\n\n", configDirectory: [
            "10-first.conf": "chip \"nct6779-*\"\n    label in0 \"first\"\n",
            "20-second.conf": "chip \"nct6779-*\"\n\n\n    bogus\n",
            ".hidden.conf": "bogus\n",
        ])
        let warnings = output.split(separator: "\n").filter { $0.hasPrefix("warning\t") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("sensors.d/20-second.conf:4: ") == true, "\(warnings)")
    }

    @Test func setStatementsAreWrittenToTheChipWhenAskedFor() throws {
        var bed = Testbed()
        Beds.superIO(into: &bed)
        let config = "chip \"nct6779-*\"\n    compute in1 @*12, @/12\n    set in1_max 12.6\n    set temp1_max 70\n    set fan9_min 100\n"
        let output = try bed.run(["read"], config: config, applySets: true)
        let sensors = ProbedSensor.parse(output)
        #expect(sensors[key: "nct6779-isa-0290/in1"]?["max"] == "12.6")
        #expect(sensors[key: "nct6779-isa-0290/temp1"]?["max"] == "70")
        let warnings = output.split(separator: "\n").filter { $0.hasPrefix("warning\t") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasSuffix("sensors3.conf:5: Unknown feature name") == true, "\(warnings)")
    }

    @Test func setStatementsAreLeftAloneByDefault() throws {
        var bed = Testbed()
        Beds.superIO(into: &bed)
        let output = try bed.run(["read"], config: "chip \"nct6779-*\"\n    set temp1_max 70\n")
        #expect(ProbedSensor.parse(output)[key: "nct6779-isa-0290/temp1"]?["max"] == "80")
    }

    @Test func libsensorsFatalErrorIsReportedAndDoesNotEndTheProcess() throws {
        var bed = Testbed()
        Beds.coretempTwoPackages(into: &bed)
        let output = try bed.run(["fatal", "read"])
        let message = "libsensors fatal error in sensors_read_dynamic_chip: Out of memory"
        #expect(output.contains("fatal\t\(message)\t\(message)\n"), "\(output)")
        // The process goes on: its other threads still work.
        #expect(ProbedSensor.parse(output).count == 6)
    }

    // MARK: NVMe, faults, name collisions

    @Test func nvmeCompositeTemperatureIsNamedByItsPCIFunction() throws {
        let sensors = try read(Beds.nvme)
        let composite = try #require(sensors[key: "nvme-pci-3d00/temp1"])
        #expect(composite["label"] == "Composite")
        #expect(composite["input"] == "38.85")
        #expect(composite["crit"] == "84.85")
        #expect(composite["min"] == "-273.15")
    }

    @Test func aFaultySensorAndAnUnreadableOneLeaveTheirChipsOtherSensorsAlone() throws {
        let sensors = try read(Beds.faulty)
        #expect(sensors[key: "it8721-isa-0a30/temp1"]?["fault"] == "1")
        let unreadable = try #require(sensors[key: "it8721-isa-0a30/temp2"])
        #expect(unreadable["input"] == "-")
        #expect(unreadable["problem"] == "temp2_input: Can't read")
        #expect(unreadable["max"] == "127")
        let good = try #require(sensors[key: "it8721-isa-0a30/temp3"])
        #expect(good["input"] == "36")
        #expect(good["fault"] == "0")
        #expect(good["problem"] == nil)
    }

    @Test func twoChipsLibsensorsNamesAlikeGetKeysQualifiedByTheirDevice() throws {
        let sensors = try read(Beds.twoThermalZones)
        #expect(sensors.map { $0["chip"] } == ["acpitz-acpi-0", "acpitz-acpi-0"])
        #expect(Set(sensors.compactMap { $0["key"] }) == [
            "acpitz-acpi-0@virtual/thermal/thermal_zone0/temp1", "acpitz-acpi-0@virtual/thermal/thermal_zone1/temp1",
        ])
    }

    // MARK: judgement and metrics from a testbed

    @Test func theMachineTheReaderSeesIsJudgedPerSensor() throws {
        var bed = Testbed()
        Beds.coretempTwoPackages(into: &bed)
        Beds.superIO(into: &bed)
        Beds.faulty(into: &bed)
        let output = try bed.run(["judge 1000"], agentConfig: "sensors: {for: 0s}")
        let states = Dictionary(uniqueKeysWithValues: output.split(separator: "\n").filter { $0.hasPrefix("state\t") }.map {
            let fields = $0.split(separator: "\t", omittingEmptySubsequences: false)
            return (String(fields[1]), String(fields[2]))
        })
        #expect(states["sensor:coretemp-isa-0000/temp1"] == "ok")
        #expect(states["sensor:nct6779-isa-0290/fan1"] == "degraded")  // stopped, its alarm up (about
        // its min); and an unlabelled Super I/O input does not count toward the host.
        let counted = output.split(separator: "\n").filter { $0.hasPrefix("state\t") && $0.hasSuffix("\tcounted") }
            .map { String($0.split(separator: "\t")[1]) }
        #expect(!counted.contains("sensor:nct6779-isa-0290/fan1"))
        #expect(counted.contains("sensor:coretemp-isa-0000/temp1"))
        #expect(states["sensor:it8721-isa-0a30/temp1"] == "unknown")
        #expect(states["sensor:it8721-isa-0a30/temp2"] == "unknown")
        #expect(states["sensor:it8721-isa-0a30/temp3"] == "ok")
    }

    @Test func temperatureClimbingInTheTestbedShowsEachTransitionWithHysteresis() throws {
        var bed = Testbed()
        Beds.superIO(into: &bed)
        let input = "/sys/devices/platform/nct6775.656/hwmon/hwmon3/temp1_input"
        let output = try bed.run([
            "judge 0",
            "set \(input) 81000", "judge 5", "judge 15",    // past max: degraded after for: 10s
            "set \(input) 96000", "judge 20", "judge 30",   // past crit: failed after 10s
            "set \(input) 78000", "judge 35",               // below max, above its hysteresis (75)
            "judge 55",                                     // degraded after recover_after 20s
            "set \(input) 74000", "judge 60", "judge 80",   // cleared: ok after 20s
        ], agentConfig: "sensors: {for: 10s, recover_after: 20s}")
        let transitions = output.split(separator: "\n").filter { $0.hasPrefix("transition\tsensor:nct6779-isa-0290/temp1\t") }
            .map { $0.split(separator: "\t").dropFirst(2).prefix(2).joined(separator: " -> ") }
        #expect(transitions == ["ok -> degraded", "degraded -> failed", "failed -> degraded", "degraded -> ok"])
    }

    @Test func metricsOfEveryTestbedChipPassPromtoolWithNoDuplicateSeries() throws {
        var bed = Testbed()
        Beds.all(into: &bed)
        let output = try bed.run(["metrics"])
        let body = String(output.dropLast("end\n".count))
        let series = body.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: " ")[0] }
        #expect(Set(series).count == series.count)
        #expect(body.contains("hosthealth_sensor_fan_rpm{sensor=\"sensor:nct6779-isa-0290/fan2\""))
        let promtool = "/usr/bin/promtool"
        guard FileManager.default.isExecutableFile(atPath: promtool) else { return }
        let findings = try Testbed.launch("/bin/sh", ["-c", "\(promtool) check metrics 2>&1"], input: body)
        #expect(findings.isEmpty, "promtool: \(findings)")
    }

    @Test func reinitialisingFindsTheSameChipsAgain() throws {
        var bed = Testbed()
        Beds.coretempTwoPackages(into: &bed)
        let output = try bed.run(["read", "reinit", "read"])
        let reads = output.split(separator: "\n").filter { $0.hasPrefix("end\tchips=") }
        #expect(reads == ["end\tchips=2\tunreadable=0", "end\tchips=2", "end\tchips=2\tunreadable=0"])
    }
}
