import Glibc
import Testing
import Udev

@Suite("UdevWatcher: enumerate, then hear uevents, on one thread")
struct UdevWatcherTests {
    /// Runs a watcher to its first wakeup and returns what it enumerated.
    func enumerate(_ matches: [UdevMatch]) throws -> [UdevDevice] {
        let watcher = UdevWatcher(matches: matches)
        var seen: [UdevDevice] = []
        try watcher.run { wakeup in
            if case .started(let devices) = wakeup { seen = devices }
            watcher.stop()
            return nil
        }
        return seen
    }

    @Test func enumeratesThisMachinesBlockDisksWithTheirNodes() throws {
        // Every Linux machine here has block devices (vda, loop*); sysfs is the truth.
        let devices = try enumerate([UdevMatch(subsystem: "block", devtype: "disk")])
        #expect(!devices.isEmpty)
        for device in devices {
            #expect(device.subsystem == "block")
            #expect(device.devtype == "disk")
            #expect(device.syspath.hasPrefix("/sys/devices/"))
            #expect(device.devnode == "/dev/\(device.sysname)")
            #expect(access("/sys/class/block/\(device.sysname)", F_OK) == 0)
        }
    }

    @Test func aDevtypeMatchLeavesOtherDevtypesOut() throws {
        let all = try enumerate([UdevMatch(subsystem: "block")])
        let disks = try enumerate([UdevMatch(subsystem: "block", devtype: "disk")])
        #expect(disks.count == all.filter { $0.devtype == "disk" }.count)
    }

    @Test func aTimeoutWakesTheHandlerAsAskedAndStopEndsTheRun() throws {
        let watcher = UdevWatcher(matches: [UdevMatch(subsystem: "hosthealth-none")])
        var wakeups: [UdevWakeup] = []
        try watcher.run { wakeup in
            wakeups.append(wakeup)
            if wakeups.count == 3 { watcher.stop() }
            return 0.01
        }
        #expect(wakeups == [.started([]), .timeout, .timeout])
    }

    @Test(.timeLimit(.minutes(1)))
    func stopFromAnotherThreadEndsARunWaitingForEvents() async throws {
        let watcher = UdevWatcher(matches: [UdevMatch(subsystem: "hosthealth-none")])
        let (wakeups, handled) = AsyncStream.makeStream(of: UdevWakeup.self)
        let run = Task.detached {
            defer { handled.finish() }
            try watcher.run { wakeup in
                handled.yield(wakeup)
                return nil
            }
        }
        // Stop once the run has enumerated and gone on to wait: a stop before it started would
        // end it at once, and the test would pass without a run to stop.
        var seen = wakeups.makeAsyncIterator()
        #expect(await seen.next() == .started([]))
        watcher.stop()
        try await run.value
        // The run ended for the stop, with no wakeup in between.
        #expect(await seen.next() == nil)
    }

    @Test func hearsSynthesisedUeventsUnderAUmockdevTestbed() throws {
        let script = "Tests/UdevTests/watch-under-umockdev.py"
        let probe = ".build/debug/udev-probe"
        try #require(access(script, X_OK) == 0 && access(probe, X_OK) == 0, "run from the package root after swift build")
        let lines = try run(["/usr/bin/python3", script, probe]).split(separator: "\n").map(String.init)
        try #require(lines.count == 3, "probe output: \(lines)")
        #expect(lines[0] == "started\t- sdz block/disk /dev/sdz first")
        #expect(lines[1] == "events\tchange sdz block/disk /dev/sdz changed")
        #expect(lines[2] == "events\tadd sdy block/disk /dev/sdy second")
    }

    /// Runs a program and returns its standard output.
    func run(_ argv: [String]) throws -> String {
        let command = argv.map { "'\($0)'" }.joined(separator: " ")
        guard let pipe = popen(command, "r") else { throw Errno(errno) }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, pipe)
            if count <= 0 { break }
            output += buffer[..<count]
        }
        let status = pclose(pipe)
        guard status == 0 else { throw Errno(status) }
        return String(decoding: output, as: UTF8.self)
    }

    struct Errno: Error { var code: Int32; init(_ code: Int32) { self.code = code } }
}
