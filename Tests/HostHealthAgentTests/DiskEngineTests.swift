import DiskReader
import Foundation
import HostHealthAgent
import HostHealthModel
import HostHealthConfig
import Logging
import Testing
import HostHealthPolicy

@Suite("HealthEngine with the disk, SMART and kmsg collectors")
struct DiskEngineTests {
    let clock = TestClock()

    func engine() -> HealthEngine {
        HealthEngine(
            config: AgentConfig(), agent: AgentInfo(version: "test"), collectors: [.disks, .smart, .kmsg],
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), clock: { clock.now }, wallClock: { clock.now })
    }

    let vda = Disk(
        name: "vda", identity: DiskIdentity(serial: "V1", sizeBytes: 1 << 30, rotational: true, transport: .virtio),
        counters: DiskIOCounters(stat: "10 0 80 1 20 0 160 2 0 3 3\n"))

    func status(_ engine: HealthEngine) async throws -> [String: Any] {
        let body = await Routes(engine: engine).respond(to: request("/status")).body
        let document = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        let components = try #require(document?["components"] as? [[String: Any]])
        return try #require(components.first { $0["name"] as? String == "vda" })
    }

    @Test func diskWithUnreadableSmartIsOkWithItsReasonAndDetail() async throws {
        let engine = engine()
        #expect(await engine.awaitingFirstReads)
        await engine.apply(DiskUpdate(disks: ["vda": vda], cause: "start"))
        #expect(await !engine.awaitingFirstReads)
        await engine.apply(SmartUpdate(disk: "vda", attempt: .cannotRun("smartctl not found at /x"), durationSeconds: 0.01))
        await engine.apply(KernelLogUpdate())
        let component = try await status(engine)
        #expect(component["state"] as? String == "ok")
        #expect(component["id"] as? String == "disk:serial-V1")
        #expect(component["reason"] as? String == "SMART unavailable: smartctl not found at /x")
        #expect((component["detail"] as? String)?.hasPrefix("virtio disk, serial V1, virtio, 1.0 GiB, rotational | read 40.0 KiB in 10 ops") == true)
        #expect(await engine.report.host.state == .ok)
    }

    @Test func hostWithoutSmartctlSaysSmartIsUnavailableWithoutCountingAnError() async throws {
        let engine = engine()
        await engine.apply(DiskUpdate(disks: ["vda": vda], cause: "start"))
        for _ in 0..<3 {
            await engine.apply(SmartUpdate(disk: "vda", attempt: .notInstalled("smartctl not found at /usr/sbin/smartctl"), durationSeconds: 0.001))
        }
        let reader = try #require(await engine.snapshot.reader("smart"))
        #expect(reader.errors == 0)
        #expect(reader.unavailable == "smartctl not found at /usr/sbin/smartctl")
        let component = try await status(engine)
        #expect(component["state"] as? String == "ok")
        #expect(component["reason"] as? String == "SMART unavailable: smartctl not found at /usr/sbin/smartctl")
        let metrics = String(decoding: await Routes(engine: engine).respond(to: request("/metrics")).body, as: UTF8.self)
        #expect(metrics.contains(#"hosthealth_reader_available{reader="smart"} 0"#))
        #expect(metrics.contains(#"hosthealth_reader_errors_total{reader="smart"} 0"#))
        // Installed later: available again with the first run.
        await engine.apply(SmartUpdate(disk: "vda", attempt: .unreadable("smartctl printed no valid JSON"), durationSeconds: 0.001))
        #expect(try #require(await engine.snapshot.reader("smart")).unavailable == nil)
    }

    @Test func kernelErrorBurstDegradesTheDiskAndIsCounted() async throws {
        let engine = engine()
        await engine.apply(DiskUpdate(disks: ["vda": vda], cause: "start"))
        await engine.apply(KernelLogUpdate(troubles: Array(repeating: DiskTrouble(kind: .ioError, subject: "vda"), count: 11), records: 11))
        let component = try await status(engine)
        #expect(component["state"] as? String == "degraded")
        let metrics = String(decoding: await Routes(engine: engine).respond(to: request("/metrics")).body, as: UTF8.self)
        #expect(metrics.contains(#"hosthealth_disk_kernel_errors_total{disk="vda",kind="io_error"} 11"#))
    }

    @Test func diskThatGoesForgetsItsSmart() async throws {
        let engine = engine()
        await engine.apply(DiskUpdate(disks: ["vda": vda], cause: "start"))
        await engine.apply(SmartUpdate(disk: "vda", attempt: .timedOut(seconds: 30), durationSeconds: 30))
        await engine.apply(DiskUpdate(disks: [:], cause: "uevent", events: 1))
        #expect(await engine.snapshot.smart?.isEmpty == true)
        #expect(await engine.report.components.isEmpty)
    }

    @Test func kmsgReaderFailureIsJudgedAtOnce() async {
        let engine = engine()
        await engine.apply(DiskUpdate(disks: ["vda": vda], cause: "start"))
        clock.advance(10)
        await engine.readerFailed(.kmsg, "cannot open /dev/kmsg")
        #expect(await engine.report.evaluatedAt == clock.now)
        #expect(await engine.snapshot.reader("kmsg")?.lastError == "cannot open /dev/kmsg")
    }

    /// The disk reader's staleness is a deadline the policy names: the tick takes it when it
    /// passes, not at the periodic full evaluation.
    @Test func staleDiskReaderTurnsUnknownAtItsDeadlineNotAtTheFallback() async {
        let engine = engine()
        await engine.apply(DiskUpdate(disks: ["vda": vda], cause: "start"))
        clock.advance(115)
        await engine.readerFailed(.kmsg, "cannot open /dev/kmsg")
        #expect(await engine.report.host.state == .ok)
        clock.advance(4.9)
        await engine.tick()
        #expect(await engine.report.host.state == .ok)
        clock.advance(0.2)
        await engine.tick()
        #expect(await engine.report.host.state == .unknown)
        #expect(await engine.report.host.reasons.first == "disks reader stale: no good read for over 2m")
    }
}
