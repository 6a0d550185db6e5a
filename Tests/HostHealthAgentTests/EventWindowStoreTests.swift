import Foundation
@testable import HostHealthAgent
import HostHealthConfig
import HostHealthExposition
import HostHealthModel
import HostHealthPolicy
import Logging
import Synchronization
import Testing

@Suite("EventWindowStore: error windows survive a restart", .serialized)
struct EventWindowStoreTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "hosthealth-windows-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func windows(_ count: UInt64, at: Timestamp) -> EventWindows {
        var window = EventWindow()
        window.observe(counter: count, at: at)
        return ["memory:DIMM_A1/corrected": window]
    }

    func waitForWrites(_ store: EventWindowStore, _ count: Int) async {
        for _ in 0..<500 where store.writes.load(ordering: .relaxed) < count {
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    @Test func savedWindowsAreLoadedAfterARestartOfTheSameBoot() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let t0 = Timestamp(secondsSinceEpoch: 100)
        let store = EventWindowStore(directory: directory, logger: logger)
        store.save(EventWindowsRecord(bootID: "boot", savedAt: t0, savedAtWall: t0 + 1e9, windows: windows(1, at: t0)))
        store.save(EventWindowsRecord(bootID: "boot", savedAt: t0, savedAtWall: t0 + 1e9, windows: windows(9, at: t0)))
        await waitForWrites(store, 1)
        for _ in 0..<50 { try? await Task.sleep(for: .milliseconds(2)) }
        store.shutdown()
        let loaded = EventWindowStore(directory: directory, logger: logger).load(bootID: "boot", now: t0 + 5, wall: t0 + 5 + 1e9).windows
        #expect(loaded["memory:DIMM_A1/corrected"]?.counter == 9, "the latest save wins")
        #expect(loaded["memory:DIMM_A1/corrected"]?.count(window: 86_400, at: t0 + 5) == 9)
        #expect(!FileManager.default.fileExists(atPath: directory + "/error-windows.json.tmp"))
    }

    @Test func aMissingFileIsAFirstStartAndADamagedOneIsSetAside() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = EventWindowStore(directory: directory, logger: logger)
        defer { store.shutdown() }
        #expect(store.load(bootID: "boot", now: Timestamp(secondsSinceEpoch: 1), wall: Timestamp(secondsSinceEpoch: 2)).windows.isEmpty)
        try Data("{\"v\":1,\"windows\":".utf8).write(to: URL(fileURLWithPath: directory + "/error-windows.json"))
        #expect(store.load(bootID: "boot", now: Timestamp(secondsSinceEpoch: 1), wall: Timestamp(secondsSinceEpoch: 2)).windows.isEmpty)
        #expect(FileManager.default.fileExists(atPath: directory + "/error-windows.json.bad"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/error-windows.json"))
    }

    @Test func withoutAStateDirectoryNothingIsWritten() {
        let store = EventWindowStore(directory: nil, logger: logger)
        store.save(EventWindowsRecord(bootID: nil, savedAt: Timestamp(secondsSinceEpoch: 1), savedAtWall: Timestamp(secondsSinceEpoch: 1), windows: [:]))
        #expect(store.load(bootID: nil, now: Timestamp(secondsSinceEpoch: 1), wall: Timestamp(secondsSinceEpoch: 1)).windows.isEmpty)
    }

    @Test func thisHostHasABootID() {
        #expect(EventWindowStore.currentBootID()?.count == 36)
    }

    @Test func theEngineRestoresWindowsAndReportsTheirChanges() async {
        let seen = ManagedWindows()
        let engine = HealthEngine(
            config: AgentConfig(), agent: AgentInfo(version: "test"), collectors: [], logger: logger,
            clock: { Timestamp(secondsSinceEpoch: 10) }, wallClock: { Timestamp(secondsSinceEpoch: 1e9) },
            onWindows: { windows, _, _, _ in seen.set(windows) })
        await engine.restoreWindows(windows(3, at: Timestamp(secondsSinceEpoch: 5)))
        await engine.tick()
        #expect(await engine.windows["memory:DIMM_A1/corrected"]?.counter == 3, "an evaluation keeps what was restored")
        #expect(seen.get() == nil, "nothing changed, nothing saved")
    }
}

final class ManagedWindows: @unchecked Sendable {
    private let lock = NSLock()
    private var windows: EventWindows?
    func set(_ value: EventWindows) { lock.withLock { windows = value } }
    func get() -> EventWindows? { lock.withLock { windows } }
}
