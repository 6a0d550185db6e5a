import HostHealthModel
@testable import MDReader
import Testing
import Udev

@Suite struct ArrayRefreshTests {
    static func device(_ name: String, action: String? = "change") -> UdevDevice {
        UdevDevice(
            syspath: "/sys/devices/virtual/block/\(name)", sysname: name, subsystem: "block", devtype: "disk",
            devnode: "/dev/\(name)", action: action, properties: [:], devlinks: [], parentSyspath: nil)
    }

    func tree() -> SysfsTree {
        var syncing = MDArrayReaderTests.raid1
        syncing["sync_action"] = "check"
        syncing["sync_completed"] = "10 / 100"
        return SysfsTree().array("md0", MDArrayReaderTests.raid1).array("md1", syncing)
    }

    @Test func startReadsEveryArrayAndNotesTheSyncingOnes() throws {
        let tree = tree()
        var refresh = ArrayRefresh(reader: MDArrayReader(sysfsRoot: tree.root))
        let next = refresh.update(for: .started([]))
        let update = try #require(next)
        #expect(update.scope == .all)
        #expect(update.arrays.map(\.name) == ["md0", "md1"])
        #expect(refresh.syncing == ["md1"])
    }

    @Test func udevPropertiesOfAnArrayBecomeWhatItDeclares() throws {
        let tree = tree()
        var refresh = ArrayRefresh(reader: MDArrayReader(sysfsRoot: tree.root))
        var md0 = Self.device("md0", action: nil)
        md0.properties = ["HOSTHEALTH_INTENT": "immutable"]
        let started = refresh.update(for: .started([md0, Self.device("md1", action: nil)]))
        let start = try #require(started)
        #expect(start.arrays.first { $0.name == "md0" }?.declared == ComponentRule(intent: .immutable))
        #expect(start.arrays.first { $0.name == "md1" }?.declared == nil)
        // A later uevent carries the properties udev has now.
        var changed = Self.device("md0")
        changed.properties = ["HOSTHEALTH_IGNORE": "1"]
        let next = refresh.update(for: .events([changed]))
        let event = try #require(next)
        #expect(event.arrays.first?.declared == ComponentRule(ignore: true))
    }

    @Test func ueventRereadsOnlyTheArraysItNames() throws {
        let tree = tree()
        var refresh = ArrayRefresh(reader: MDArrayReader(sysfsRoot: tree.root))
        let next = refresh.update(for: .events([Self.device("md0"), Self.device("sda")]))
        let update = try #require(next)
        #expect(update.scope == .changes)
        #expect(update.arrays.map(\.name) == ["md0"])
        #expect(update.events == 1)
    }

    @Test func ueventsForOtherDisksAreNoUpdate() {
        let tree = tree()
        var refresh = ArrayRefresh(reader: MDArrayReader(sysfsRoot: tree.root))
        #expect(refresh.update(for: .events([Self.device("sda"), Self.device("md0p1")])) == nil)
    }

    @Test func removedArrayIsReportedGoneAndStopsThePolling() throws {
        let tree = tree()
        var refresh = ArrayRefresh(reader: MDArrayReader(sysfsRoot: tree.root))
        _ = refresh.update(for: .started([]))
        let next = refresh.update(for: .events([Self.device("md1", action: "remove")]))
        let update = try #require(next)
        #expect(update.removed == ["md1"])
        #expect(refresh.syncing.isEmpty)
    }

    @Test func pollDuringASyncRereadsOnlyTheSyncingArraysUntilAFullReadIsDue() throws {
        let tree = tree()
        var refresh = ArrayRefresh(reader: MDArrayReader(sysfsRoot: tree.root))
        _ = refresh.update(for: .started([]), now: 100, fullReadEvery: 10)
        let pollNext = refresh.update(for: .timeout, now: 101, fullReadEvery: 10)
        let poll = try #require(pollNext)
        #expect(poll.scope == .changes)
        #expect(poll.arrays.map(\.name) == ["md1"])
        #expect(poll.cause == "sync")
        // md0 changed without a uevent (one lost): the full read, due after 10 s, finds it.
        tree.write("block/md0/md/array_state", "active\n")
        let laterNext = refresh.update(for: .timeout, now: 109.5, fullReadEvery: 10)
        let later = try #require(laterNext)
        #expect(later.arrays.map(\.name) == ["md1"])
        let fullNext = refresh.update(for: .timeout, now: 110, fullReadEvery: 10)
        let full = try #require(fullNext)
        #expect(full.scope == .all)
        #expect(full.arrays.map(\.name) == ["md0", "md1"])
        #expect(full.arrays.first?.arrayState == .active)
        let nextNext = refresh.update(for: .timeout, now: 111, fullReadEvery: 10)
        let next = try #require(nextNext)
        #expect(next.scope == .changes)
    }

    @Test func syncingArrayThatVanishedWithoutAUeventIsReportedGone() throws {
        let tree = tree()
        var refresh = ArrayRefresh(reader: MDArrayReader(sysfsRoot: tree.root))
        _ = refresh.update(for: .started([]), now: 100, fullReadEvery: 10)
        tree.remove("block/md1")
        let pollNext = refresh.update(for: .timeout, now: 101, fullReadEvery: 10)
        let poll = try #require(pollNext)
        #expect(poll.removed == ["md1"])
        #expect(refresh.syncing.isEmpty)
    }

    @Test func syncEndingStopsThePolling() throws {
        let tree = tree()
        var refresh = ArrayRefresh(reader: MDArrayReader(sysfsRoot: tree.root))
        _ = refresh.update(for: .started([]))
        tree.write("block/md1/md/sync_action", "idle\n")
        let next = refresh.update(for: .timeout)
        let update = try #require(next)
        #expect(update.cause == "sync")
        #expect(refresh.syncing.isEmpty)
    }
}
