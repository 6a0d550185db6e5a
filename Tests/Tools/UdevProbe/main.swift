// Prints what a UdevWatcher sees, one line per wakeup, so tests can run it under a umockdev
// testbed (the preload must be in the process from its start, which a test process is not).
// Usage: udev-probe SUBSYSTEM[:DEVTYPE]... [--timeout SECONDS] [--wakeups N]
import Glibc
import Udev

var matches: [UdevMatch] = []
var timeout: Double?
var wakeupsLeft = 3
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--timeout": timeout = arguments.popFirst().flatMap(Double.init)
    case "--wakeups": wakeupsLeft = arguments.popFirst().flatMap(Int.init) ?? 3
    default:
        let parts = argument.split(separator: ":", maxSplits: 1).map(String.init)
        matches.append(UdevMatch(subsystem: parts[0], devtype: parts.count > 1 ? parts[1] : nil))
    }
}

func line(_ kind: String, _ devices: [UdevDevice]) -> String {
    ([kind] + devices.map { "\($0.action ?? "-") \($0.sysname) \($0.subsystem ?? "-")/\($0.devtype ?? "-") \($0.devnode ?? "-") \($0.properties["HOSTHEALTH_TEST"] ?? "-")" })
        .joined(separator: "\t")
}

let watcher = UdevWatcher(matches: matches)
do {
    try watcher.run { wakeup in
        switch wakeup {
        case .started(let devices): print(line("started", devices))
        case .events(let devices): print(line("events", devices))
        case .overflow(let devices): print(line("overflow", devices))
        case .timeout: print("timeout")
        }
        fflush(nil)
        wakeupsLeft -= 1
        if wakeupsLeft <= 0 { watcher.stop() }
        return timeout
    }
} catch {
    print("error\t\(error)")
    exit(1)
}
