import Foundation
import Testing

/// The reader against real-world hwmon trees: the shared corpus (node_exporter's fixtures of
/// real machines) loaded into a testbed at test time. Skipped where the corpus is absent.
@Suite("SensorReader: the hwmon corpus of real machines", .enabled(if: Testbed.available && HwmonCorpus.root != nil, "no umockdev-run or no corpus"))
struct CorpusTests {
    @Test func everyCorpusChipIsReadWithoutAnError() throws {
        let root = try #require(HwmonCorpus.root)
        let bed = try HwmonCorpus.testbed(root)
        let output = try bed.run(["read"])
        #expect(!output.contains("error\t"))
        let sensors = ProbedSensor.parse(output)
        let chips = Set(sensors.compactMap { $0["chip"] })
        // The chips libsensors reads from the corpus; nameless ones and ones with no sensor
        // attributes (applesmc's stub, asus-nb-wmi, bogus) it leaves out, as `sensors` does.
        // The corpus keeps no `device` link for nct6779 and the mt7996 radios' parent, so
        // their bus reads as virtual.
        #expect(chips == [
            "coretemp-isa-0000", "coretemp-isa-0001", "nct6779-virtual-0",
            "mt7996_phy0_0-virtual-0", "mt7996_phy0_1-virtual-0", "mt7996_phy0_2-virtual-0",
        ])
        #expect(Set(sensors.compactMap { $0["key"] }).count == sensors.count)
        for sensor in sensors {
            print("corpus: \(sensor.fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
        }
        let package = try #require(sensors[key: "coretemp-isa-0000/temp1"])
        #expect(package["label"] == "Physical id 0")
        #expect(package["input"] == "55")
        #expect(package["max"] == "84")
        #expect(package["crit"] == "100")
    }

    /// Real boards report limits nobody programmed as 0 and raise alarms against them, and
    /// intrusion flags latch: none of that may drain a healthy machine.
    @Test func aHealthyCorpusMachineIsJudgedOk() throws {
        let bed = try HwmonCorpus.testbed(try #require(HwmonCorpus.root))
        let output = try bed.run(["judge 1000"])
        let states = output.split(separator: "\n").filter { $0.hasPrefix("state\t") }
        #expect(states.count >= 10)
        #expect(states.filter { !$0.contains("\tok\t") && !$0.hasSuffix("\tok") }.isEmpty, "\(states)")
    }
}

/// `../shared/corpus/hwmon/sys` as a testbed. The corpus stores symlinks as files holding the
/// link target (`class/hwmon/hwmon0`, each chip's `device`); devices are made for the chips'
/// parents so libsensors can tell their bus.
enum HwmonCorpus {
    static var root: String? {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates: [String?] = [
            ProcessInfo.processInfo.environment["HOSTHEALTH_CORPUS"].map { $0 + "/hwmon/sys" },
            packageRoot.appendingPathComponent("../shared/corpus/hwmon/sys").standardized.path,
            "/work/shared/corpus/hwmon/sys",
        ]
        return candidates.compactMap { $0 }.first { FileManager.default.fileExists(atPath: $0 + "/devices") }
    }

    static func testbed(_ root: String) throws -> Testbed {
        var text = ""
        var parents = Set<String>()
        let files = FileManager.default
        let devices = root + "/devices"
        guard let walk = files.enumerator(atPath: devices) else { throw ProbeError(message: "cannot walk \(devices)") }
        var hwmonDirectories: [String] = []
        for case let relative as String in walk {
            let components = relative.split(separator: "/")
            if components.count >= 2, components[components.count - 2] == "hwmon", components.last!.hasPrefix("hwmon") {
                hwmonDirectories.append(relative)
            }
        }
        for relative in hwmonDirectories.sorted() {
            text += try entry(path: "/devices/" + relative, directory: devices + "/" + relative)
            // Parents: every directory above the hwmon one that is a device, not a class folder.
            var parent = URL(fileURLWithPath: "/devices/" + relative).deletingLastPathComponent().deletingLastPathComponent().path
            while parent != "/devices", parent.hasPrefix("/devices/") {
                let name = URL(fileURLWithPath: parent).lastPathComponent
                if name != "ieee80211", parents.insert(parent).inserted {
                    let subsystem = parent.contains("/ieee80211/") ? "ieee80211" : "platform"
                    text += "P: \(parent)\nE: SUBSYSTEM=\(subsystem)\n\n"
                }
                parent = URL(fileURLWithPath: parent).deletingLastPathComponent().path
            }
        }
        // A class entry that is a directory, not a link: a chip with no device of its own.
        let classDirectory = root + "/class/hwmon"
        for name in (try? files.contentsOfDirectory(atPath: classDirectory)) ?? [] {
            var isDirectory: ObjCBool = false
            if files.fileExists(atPath: classDirectory + "/" + name, isDirectory: &isDirectory), isDirectory.boolValue {
                text += try entry(path: "/devices/virtual/hwmon/" + name, directory: classDirectory + "/" + name)
            }
        }
        var bed = Testbed()
        bed.raw(text)
        return bed
    }

    /// A hwmon device's testbed entry: its attributes, and its `device` link.
    static func entry(path: String, directory: String) throws -> String {
        var text = "P: \(path)\nE: SUBSYSTEM=hwmon\n"
        for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() {
            let file = directory + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let value = try String(contentsOfFile: file, encoding: .utf8)
            if name == "device" || name == "subsystem" {
                text += "L: \(name)=\(value.trimmingCharacters(in: .whitespacesAndNewlines))\n"
            } else {
                text += "A: \(name)=\(value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n"))\n"
            }
        }
        return text + "\n"
    }
}
