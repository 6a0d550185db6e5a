import Foundation
import Testing

/// The agent itself under a testbed: `hosthealthd` reads the sensors on its own thread and
/// follows hwmon uevents; chips plugged in and out show in /metrics without waiting for the
/// read interval (60 s in the test), and with a short interval a changed reading shows after
/// the next read.
@Suite("hosthealthd: hwmon chips that come and go", .enabled(if: Testbed.available, "umockdev-run is not installed"))
struct HotplugTests {
    @Test func aChipAddedOrRemovedShowsInTheScrapeWithoutWaitingForTheInterval() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("hotplug-under-umockdev.py").path
        let agent = URL(fileURLWithPath: try Testbed.probePath()).deletingLastPathComponent().appendingPathComponent("hosthealthd").path
        let output = try Testbed.launch("/usr/bin/python3", [script, agent], input: "")
        var steps = Dictionary(uniqueKeysWithValues: output.split(separator: "\n").compactMap { line -> (String, String)? in
            let fields = line.split(separator: "\t")
            return fields.count == 2 ? (String(fields[0]), String(fields[1])) : nil
        })
        #expect(steps.keys.sorted() == ["add", "interval", "promtool", "remove", "restart", "start"], "\(output)")
        #expect(steps.removeValue(forKey: "promtool") == "ok")
        // The script waits 5 s at most, a twelfth of the 60 s interval: for add and remove, a
        // number means a uevent did it.
        for (step, seconds) in steps.sorted(by: { $0.key < $1.key }) {
            #expect(Double(seconds) != nil, "\(step) never showed: \(output)")
            print("hotplug: \(step) visible in /metrics after \(seconds) s")
        }
    }
}
