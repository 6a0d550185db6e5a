import TestFixtures
import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
import Testing

@Suite("PCIeHealth: AER and link-training verdicts through the policy")
struct PCIeHealthTests {
    let t0 = Fixture.t0

    /// A ConnectX-6 at 0000:3b:00.0 under a x16 Gen4 port, trained as given.
    func nic(speed: Double = 16e9, width: Int = 16, aer: PCIeAERTotals? = PCIeAERTotals(correctable: 0, nonFatal: 0, fatal: 0)) -> PCIeDevice {
        var device = PCIeDevice(address: "0000:3b:00.0", name: "Mellanox ConnectX-6", link: PCIeLinkState(
            current: .init(transfersPerSecond: speed, width: width), max: .init(transfersPerSecond: 16e9, width: 16)))
        device.classCode = 0x020000
        device.upstream = "0000:3a:00.0"
        device.upstreamMax = .init(transfersPerSecond: 16e9, width: 16)
        device.aer = aer.map { PCIeAERCounts(totals: $0) }
        return device
    }

    func gpu(speed: Double, width: Int) -> PCIeDevice {
        var device = nic(speed: speed, width: width)
        device.address = "0000:17:00.0"
        device.name = "NVIDIA A100"
        device.classCode = 0x030200
        return device
    }

    func snapshot(_ devices: [PCIeDevice], logged: [String: [PCIeAERSeverity: UInt64]]? = nil, at time: Timestamp? = nil) -> HostSnapshot {
        var snapshot = HostSnapshot(readers: [ReaderStatus(name: "pcie", lastSuccess: time ?? t0)])
        snapshot.pcie = Dictionary(uniqueKeysWithValues: devices.map { ($0.address, $0) })
        snapshot.pcieLogged = logged
        return snapshot
    }

    var config: AgentConfig {
        var config = AgentConfig()
        config.pcie.recoverAfterSeconds = 0
        return config
    }

    func evaluate(_ snapshot: HostSnapshot, after memory: HealthMemory = HealthMemory(), at now: Timestamp? = nil, config: AgentConfig? = nil) -> HealthEvaluation {
        HealthPolicy(config: config ?? self.config).evaluate(previous: memory, snapshot: snapshot, now: now ?? t0)
    }

    func component(_ result: HealthEvaluation, _ address: String = "0000:3b:00.0") -> ComponentHealth? {
        result.report.components.first { $0.id.key == address }
    }

    @Test func fullyTrainedNicIsOkUnderItsBusAddress() throws {
        let result = evaluate(snapshot([nic()]))
        let nic = try #require(component(result))
        #expect(nic.id.description == "pcie:0000:3b:00.0")
        #expect(nic.name == "0000:3b:00.0 Mellanox ConnectX-6")
        #expect(nic.state == .ok)
        #expect(nic.reason == "")
    }

    @Test func nicTrainedAtX8OfX16DegradesOnceItHeldForLinkFor() {
        let first = evaluate(snapshot([nic(width: 8)]))
        #expect(component(first)?.state == .ok)
        #expect(component(first)?.reason == "PCIe 16.0 GT/s x8, capable of 16.0 GT/s x16")
        #expect(first.nextChange == t0 + 30)
        let later = evaluate(snapshot([nic(width: 8)], at: t0 + 30), after: first.memory, at: t0 + 30)
        #expect(component(later)?.state == .degraded)
        #expect(later.report.host.reasons.contains("pcie 0000:3b:00.0 Mellanox ConnectX-6: degraded, PCIe 16.0 GT/s x8, capable of 16.0 GT/s x16"))
    }

    @Test func lowerRateOnANicDegrades() {
        var config = self.config
        config.pcie.linkForSeconds = 0
        let result = evaluate(snapshot([nic(speed: 8e9)]), config: config)
        #expect(component(result)?.state == .degraded)
        #expect(component(result)?.reason == "PCIe 8.0 GT/s x16, capable of 16.0 GT/s x16")
    }

    @Test func cardWiderThanItsSlotIsNotBlamed() {
        var device = nic(width: 8)
        device.upstreamMax = .init(transfersPerSecond: 16e9, width: 8)
        var config = self.config
        config.pcie.linkForSeconds = 0
        let result = evaluate(snapshot([device]), config: config)
        #expect(component(result)?.state == .ok)
        #expect(component(result)?.reason == "")
    }

    @Test func idleGpuAtTheLowestRateIsShownNotJudged() {
        var config = self.config
        config.pcie.linkForSeconds = 0
        let result = evaluate(snapshot([gpu(speed: 2.5e9, width: 16)]), config: config)
        let gpu = component(result, "0000:17:00.0")
        #expect(gpu?.state == .ok)
        #expect(gpu?.reason == "PCIe 2.5 GT/s x16, capable of 16.0 GT/s x16 (the rate follows the load)")
    }

    @Test func gpuWithFewerLanesDegrades() {
        var config = self.config
        config.pcie.linkForSeconds = 0
        let result = evaluate(snapshot([gpu(speed: 16e9, width: 8)]), config: config)
        #expect(component(result, "0000:17:00.0")?.state == .degraded)
    }

    @Test func bridgesAndOtherClassesAreNotJudgedOnTheirLink() {
        var port = nic(width: 4)
        port.address = "0000:3a:00.0"
        port.classCode = 0x060400
        var config = self.config
        config.pcie.linkForSeconds = 0
        let result = evaluate(snapshot([port]), config: config)
        #expect(component(result, "0000:3a:00.0")?.state == .ok)
    }

    @Test func linkTrainingOffShowsNothing() {
        var config = self.config
        config.pcie.linkForSeconds = 0
        config.pcie.linkTraining = false
        #expect(component(evaluate(snapshot([nic(width: 8)]), config: config))?.state == .ok)
    }

    @Test func unknownLinkIsNotJudged() {
        var device = nic()
        device.link.current = .init()
        var config = self.config
        config.pcie.linkForSeconds = 0
        #expect(component(evaluate(snapshot([device]), config: config))?.state == .ok)
    }

    @Test func fatalErrorSinceBootFails() {
        var device = nic(aer: PCIeAERTotals(correctable: 0, nonFatal: 0, fatal: 1))
        device.aer?.breakdown[.fatal] = ["Completion Timeout": 1, "Poisoned TLP": 0]
        let result = evaluate(snapshot([device]))
        #expect(component(result)?.state == .failed)
        #expect(component(result)?.reason == "1 fatal AER error since boot (Completion Timeout)")
        #expect(result.report.host.state == .failed)
    }

    @Test func fatalFromTheKernelLogFailsBeforeTheNextPoll() {
        let result = evaluate(snapshot([nic()], logged: ["0000:3b:00.0": [.fatal: 1]]))
        #expect(component(result)?.state == .failed)
    }

    @Test func surpriseDownOnAPortIsShownNotFailed() {
        var port = nic(aer: PCIeAERTotals(correctable: 0, nonFatal: 0, fatal: 1))
        port.address = "0000:3a:00.0"
        port.classCode = 0x060400
        port.aer?.breakdown[.fatal] = ["Surprise Down Error": 1]
        let result = evaluate(snapshot([port]))
        #expect(component(result, "0000:3a:00.0")?.state == .ok)
        #expect(component(result, "0000:3a:00.0")?.reason.contains("Surprise Down") == true)
    }

    @Test func nonFatalAlreadyThereAtFirstReadIsNotJudged() {
        let result = evaluate(snapshot([nic(aer: PCIeAERTotals(correctable: 0, nonFatal: 2, fatal: 0))]))
        #expect(component(result)?.state == .ok)
    }

    @Test func nonFatalRiseDegradesForTheHoldThenRecovers() {
        let first = evaluate(snapshot([nic()]))
        let rose = evaluate(snapshot([nic(aer: PCIeAERTotals(correctable: 0, nonFatal: 1, fatal: 0))], at: t0 + 10), after: first.memory, at: t0 + 10)
        #expect(component(rose)?.state == .degraded)
        #expect(component(rose)?.reason == "1 non-fatal AER error within 1h")
        let held = evaluate(snapshot([nic(aer: PCIeAERTotals(correctable: 0, nonFatal: 1, fatal: 0))], at: t0 + 3600), after: rose.memory, at: t0 + 3600)
        #expect(component(held)?.state == .degraded)
        let over = evaluate(snapshot([nic(aer: PCIeAERTotals(correctable: 0, nonFatal: 1, fatal: 0))], at: t0 + 3610), after: held.memory, at: t0 + 3610)
        #expect(component(over)?.state == .ok)
    }

    @Test func nonFatalLineInTheKernelLogDegradesAtOnce() {
        let first = evaluate(snapshot([nic()]))
        let logged = evaluate(snapshot([nic()], logged: ["0000:3b:00.0": [.nonFatal: 1]]), after: first.memory, at: t0 + 1)
        #expect(component(logged)?.state == .degraded)
    }

    @Test func correctableLimitFollowsTheSpecBitErrorRate() {
        let judge = PCIeHealth(config: PCIeConfig())
        // x16 at 16 GT/s for an hour at 10^-12.
        #expect(judge.correctableLimit(nic()) == 921)
        var nvme = nic(speed: 8e9, width: 4)
        nvme.link.max = .init(transfersPerSecond: 8e9, width: 4)
        #expect(judge.correctableLimit(nvme) == 115)
        var fixed = PCIeConfig()
        fixed.correctableMax = 50
        #expect(PCIeHealth(config: fixed).correctableLimit(nic()) == 50)
    }

    @Test func correctableErrorsRisingPastTheLimitDegrade() {
        var device = nic(speed: 8e9, width: 4)
        device.link.max = .init(transfersPerSecond: 8e9, width: 4)
        device.aer = PCIeAERCounts(totals: PCIeAERTotals(correctable: 1000, nonFatal: 0, fatal: 0))
        // Errors before the first read are the baseline.
        let first = evaluate(snapshot([device]))
        #expect(component(first)?.state == .ok)
        device.aer?.totals.correctable = 1100
        let within = evaluate(snapshot([device], at: t0 + 600), after: first.memory, at: t0 + 600)
        #expect(component(within)?.state == .ok)
        device.aer?.totals.correctable = 1200
        let over = evaluate(snapshot([device], at: t0 + 1200), after: within.memory, at: t0 + 1200)
        #expect(component(over)?.state == .degraded)
        #expect(component(over)?.reason == "200 correctable AER errors in 1h, over the 115 a link within the PCIe bit error rate makes")
        // An hour after the last rise the window holds none.
        let quiet = evaluate(snapshot([device], at: t0 + 4801), after: over.memory, at: t0 + 4801)
        #expect(component(quiet)?.state == .ok)
    }

    @Test func aRestartForgivesNoRiseAndJudgesNoOldCount() {
        var device = nic(aer: PCIeAERTotals(correctable: 0, nonFatal: 3, fatal: 0))
        let first = evaluate(snapshot([device]))
        device.aer?.totals.nonFatal = 4
        let rose = evaluate(snapshot([device], at: t0 + 10), after: first.memory, at: t0 + 10)
        #expect(component(rose)?.state == .degraded)
        // What the agent restores after a restart: the windows, nothing else.
        var restored = HealthMemory()
        restored.windows = rose.memory.windows
        let restarted = evaluate(snapshot([device], at: t0 + 20), after: restored, at: t0 + 20)
        #expect(component(restarted)?.state == .degraded)
        #expect(component(restarted)?.reason == "1 non-fatal AER error within 1h")
    }

    @Test func aKernelLogReportAndTheCounterRiseCountOnce() {
        var device = nic(speed: 8e9, width: 4)
        device.link.max = .init(transfersPerSecond: 8e9, width: 4)
        var config = self.config
        config.pcie.correctableMax = 1
        let first = evaluate(snapshot([device]), config: config)
        let logged = evaluate(snapshot([device], logged: ["0000:3b:00.0": [.correctable: 1]], at: t0 + 1), after: first.memory, at: t0 + 1, config: config)
        #expect(component(logged)?.state == .ok)
        device.aer?.totals.correctable = 1
        let polled = evaluate(snapshot([device], logged: ["0000:3b:00.0": [.correctable: 1]], at: t0 + 2), after: logged.memory, at: t0 + 2, config: config)
        #expect(component(polled)?.state == .ok)
        device.aer?.totals.correctable = 2
        let more = evaluate(snapshot([device], logged: ["0000:3b:00.0": [.correctable: 1]], at: t0 + 3), after: polled.memory, at: t0 + 3, config: config)
        #expect(component(more)?.state == .degraded)
    }

    @Test func unreadableDeviceIsUnknownUnlessWorseIsKnown() {
        var device = nic()
        device.problem = "aer_dev_fatal has lines that are not 'NAME COUNT': garbage"
        let result = evaluate(snapshot([device]))
        #expect(component(result)?.state == .unknown)
        #expect(component(result)?.reason == "cannot read the device: aer_dev_fatal has lines that are not 'NAME COUNT': garbage")
        device.aer?.totals.fatal = 1
        #expect(component(evaluate(snapshot([device])))?.state == .failed)
    }

    @Test func deviceWithoutAEROrALinkThatMattersIsNoComponent() {
        var host = PCIeDevice(address: "0000:00:00.0", name: "Host bridge")
        host.classCode = 0x060000
        #expect(evaluate(snapshot([host])).report.components.isEmpty)
    }

    @Test func staleReaderMakesTheHostUnknown() {
        let result = evaluate(snapshot([nic()], at: t0), at: t0 + 200)
        #expect(result.report.host.state == .unknown)
        #expect(component(result, "0000:3b:00.0")?.stale == true)
    }

    @Test func goneDeviceIsForgotten() {
        let first = evaluate(snapshot([nic(aer: PCIeAERTotals(correctable: 5, nonFatal: 0, fatal: 0))]))
        #expect(first.memory.windows.keys.sorted() == ["pcie:0000:3b:00.0/correctable", "pcie:0000:3b:00.0/nonfatal"])
        let gone = evaluate(snapshot([], at: t0 + 10), after: first.memory, at: t0 + 10)
        #expect(gone.memory.windows.isEmpty)
    }
}
