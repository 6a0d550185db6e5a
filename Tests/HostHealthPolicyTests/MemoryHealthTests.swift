import HostHealthConfig
import HostHealthExposition
import HostHealthModel
import HostHealthPolicy
import Testing

/// Memory judged over time through the whole policy (hysteresis off): what `/health` would say.
@Suite("MemoryHealth: EDAC errors judged per DIMM and controller")
struct MemoryHealthTests {
    static let day = 86_400.0

    struct Host {
        var config: AgentConfig
        var memory = HealthMemory()
        var controllers: [MemoryController]
        var kernel = KernelMemoryErrors()
        var lastSuccess: Timestamp?

        init(controllers: [MemoryController], ceRate: (Int, Double) = (24, MemoryHealthTests.day)) {
            var config = AgentConfig()
            config.memory = MemoryConfig(recoverAfterSeconds: 0, ceRateMaxErrors: ceRate.0, ceRateWindowSeconds: ceRate.1)
            self.config = config
            self.controllers = controllers
        }

        mutating func judge(at seconds: Double, fresh: Bool = true) -> HealthReport {
            let now = Timestamp(secondsSinceEpoch: seconds)
            if fresh { lastSuccess = now }
            var snapshot = HostSnapshot(readers: [ReaderStatus(name: "memory", lastSuccess: lastSuccess)])
            snapshot.memory = MemorySnapshot(controllers: controllers, kernelErrors: kernel)
            let result = HealthPolicy(config: config).evaluate(previous: memory, snapshot: snapshot, now: now)
            memory = result.memory
            nextChange = result.nextChange
            return result.report
        }

        var nextChange: Timestamp?

        func component(_ report: HealthReport, _ key: String) -> ComponentHealth? {
            report.components.first { $0.id == ComponentID(kind: .memory, key: key) }
        }

        mutating func setDIMM(_ controller: Int, _ index: Int, ce: UInt64? = nil, ue: UInt64? = nil) {
            if let ce { controllers[controller].dimms[index].correctedErrors = ce }
            if let ue { controllers[controller].dimms[index].uncorrectedErrors = ue }
        }

        mutating func log(_ event: MemoryErrorEvent) {
            kernel.count(event, key: event.attribute(to: controllers))
        }
    }

    static func server(ce: UInt64 = 0) -> [MemoryController] {
        (0..<2).map { socket in
            MemoryController(
                index: socket, model: "Skylake Socket#\(socket) IMC#0", sizeMB: 65536, correctedErrors: 0, uncorrectedErrors: 0,
                correctedNoInfo: 0, uncorrectedNoInfo: 0,
                dimms: (0..<2).map { channel in
                    MemoryModule(
                        controller: socket, entries: ["dimm\(channel)"], layout: .dimm,
                        label: "CPU_SrcID#\(socket)_Ha#0_Chan#\(channel)_DIMM#0",
                        location: [MemoryLocation("channel", channel), MemoryLocation("slot", 0)], sizeMB: 32768,
                        correctedErrors: ce, uncorrectedErrors: 0)
                })
        }
    }

    let a = "CPU_SrcID#0_Ha#0_Chan#0_DIMM#0"
    let b = "CPU_SrcID#0_Ha#0_Chan#1_DIMM#0"

    @Test func aHealthyServerHasOneOkComponentPerDimmAndController() {
        var host = Host(controllers: Self.server())
        let report = host.judge(at: 100)
        #expect(report.host.state == .ok)
        #expect(report.components.map(\.id.key).sorted() == [a, b, "CPU_SrcID#1_Ha#0_Chan#0_DIMM#0", "CPU_SrcID#1_Ha#0_Chan#1_DIMM#0", "mc0", "mc1"])
        #expect(report.components.allSatisfy { $0.state == .ok && $0.reason.isEmpty })
    }

    @Test func anUncorrectableErrorSinceBootFailsTheDimmAtOnce() {
        var host = Host(controllers: Self.server())
        _ = host.judge(at: 100)
        host.setDIMM(0, 1, ue: 1)
        let report = host.judge(at: 110)
        #expect(host.component(report, b)?.state == .failed)
        #expect(host.component(report, b)?.reason == "1 uncorrectable error since boot; take it out of service")
        #expect(report.host.state == .failed)
        #expect(host.component(report, a)?.state == .ok)
    }

    @Test func correctedErrorsRisingPastTheRateDegradeAndTheWindowForgivesThemOnTime() throws {
        var host = Host(controllers: Self.server())
        _ = host.judge(at: 1000)
        host.setDIMM(0, 0, ce: 20)
        var report = host.judge(at: 2000)
        #expect(host.component(report, a)?.state == .ok)
        #expect(host.component(report, a)?.reason == "20 corrected errors in 24h")
        host.setDIMM(0, 0, ce: 25)
        report = host.judge(at: 3000)
        #expect(host.component(report, a)?.state == .degraded)
        #expect(host.component(report, a)?.reason == "25 corrected errors in 24h (more than 24)")
        #expect(report.host.state == .degraded)
        // The first 20 leave the window a day after they came: the policy says when.
        #expect(host.memory.windows["memory:\(a)/corrected"]?.nextDecrease(window: Self.day) == Timestamp(secondsSinceEpoch: 2000 + Self.day))
        report = host.judge(at: 2000 + Self.day)
        #expect(host.component(report, a)?.state == .ok)
        #expect(host.component(report, a)?.reason == "5 corrected errors in 24h")
    }

    @Test func theKernelLogCountsAtOnceAndThePollDoesNotCountTheSameErrorsAgain() {
        var host = Host(controllers: Self.server(), ceRate: (2, Self.day))
        _ = host.judge(at: 100)
        for _ in 0..<3 { host.log(MemoryErrorEvent(controller: 0, type: .corrected, count: 1, labels: [b])) }
        var report = host.judge(at: 101)
        #expect(host.component(report, b)?.state == .degraded, "before the next poll")
        host.setDIMM(0, 1, ce: 3)
        report = host.judge(at: 110)
        #expect(host.component(report, b)?.reason == "3 corrected errors in 24h (more than 2)")
    }

    @Test func aLogUncorrectedErrorNamedByLocationFailsItsDimm() {
        var host = Host(controllers: Self.server())
        _ = host.judge(at: 100)
        host.log(MemoryErrorEvent(controller: 1, type: .uncorrected, count: 1, labels: [], location: [MemoryLocation("channel", 1), MemoryLocation("slot", 0)], message: "memory read error"))
        let report = host.judge(at: 101)
        let dimm = host.component(report, "CPU_SrcID#1_Ha#0_Chan#1_DIMM#0")
        #expect(dimm?.state == .failed)
        #expect(dimm?.reason == "1 uncorrectable error since boot; take it out of service; last: memory read error")
    }

    @Test func errorsTheControllerCouldNotAttributeCountAgainstIt() {
        var host = Host(controllers: Self.server(), ceRate: (1, Self.day))
        _ = host.judge(at: 100)
        host.controllers[1].correctedNoInfo = 2
        host.log(MemoryErrorEvent(controller: 0, type: .uncorrected, count: 1, labels: []))
        let report = host.judge(at: 110)
        #expect(host.component(report, "mc1")?.state == .degraded)
        #expect(host.component(report, "mc1")?.reason == "2 corrected errors the controller could not attribute to a DIMM in 24h (more than 1)")
        #expect(host.component(report, "mc0")?.state == .failed)
    }

    @Test func aRestartWithTheWindowsRestoredForgivesNothing() {
        var host = Host(controllers: Self.server(), ceRate: (24, Self.day))
        _ = host.judge(at: 1000)
        host.setDIMM(0, 0, ce: 30)
        #expect(host.component(host.judge(at: 2000), a)?.state == .degraded)
        // The agent restarts: a new policy memory but the saved windows, carried over.
        let saved = EventWindowsRecord(bootID: "b", savedAt: Timestamp(secondsSinceEpoch: 2000), savedAtWall: Timestamp(secondsSinceEpoch: 1e9), windows: host.memory.windows)
        var restarted = Host(controllers: host.controllers)
        restarted.memory.windows = saved.restored(bootID: "b", now: Timestamp(secondsSinceEpoch: 2100), wall: Timestamp(secondsSinceEpoch: 1e9 + 100))
        #expect(restarted.component(restarted.judge(at: 2100), a)?.state == .degraded)
        // Without them, a DIMM seen first long after boot has only its share counted.
        var forgetful = Host(controllers: host.controllers)
        let report = forgetful.judge(at: 40 * Self.day)
        #expect(forgetful.component(report, a)?.state == .ok)
        #expect(forgetful.component(report, a)?.reason == "1 corrected error in 24h")
    }

    @Test func firstSightSoonAfterBootCountsEverythingSinceBoot() {
        var host = Host(controllers: Self.server(ce: 30))
        let report = host.judge(at: 600)
        #expect(host.component(report, a)?.state == .degraded)
    }

    @Test func aStaleReaderMakesTheHostUnknownAndMarksTheDimms() {
        var host = Host(controllers: Self.server())
        _ = host.judge(at: 100)
        let report = host.judge(at: 100 + host.config.memory.staleAfterSeconds + 1, fresh: false)
        #expect(report.host.state == .unknown)
        #expect(report.components.allSatisfy { $0.stale })
    }

    @Test func noEdacTreeIsNoComponentsAndAnOkHost() {
        var host = Host(controllers: [])
        let report = host.judge(at: 100)
        #expect(report.components.isEmpty && report.host.state == .ok)
    }

    @Test func idsStayUniqueWhenTwoControllersShareALabel() {
        var controllers = Self.server()
        controllers[1].dimms[0].label = a
        let ids = MemoryHealth.parts(controllers).map(\.id.key)
        #expect(Set(ids).count == ids.count)
        #expect(ids.contains("mc0/\(a)") && ids.contains("mc1/\(a)"))
    }

    @Test func windowsOfAGoneDimmStayWhileTheyHoldErrors() {
        var host = Host(controllers: Self.server())
        _ = host.judge(at: 100)
        host.setDIMM(0, 0, ce: 5)
        _ = host.judge(at: 200)
        host.controllers[0].dimms.remove(at: 0)
        _ = host.judge(at: 300)
        #expect(host.memory.windows["memory:\(a)/corrected"]?.count(window: Self.day, at: Timestamp(secondsSinceEpoch: 300)) == 5)
        _ = host.judge(at: 200 + Self.day + 1)
        #expect(host.memory.windows["memory:\(a)/corrected"] == nil)
    }
}
