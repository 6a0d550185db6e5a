import HostHealthAgent
import HostHealthConfig
import HostHealthModel
import HostHealthPolicy
import Logging
import Testing

/// When the engine judges again: a reader's newer success on unchanged data waits for the
/// deadline the last evaluation set, anything a verdict reads is judged at once.
@Suite("HealthEngine: which reads are judged again")
struct EngineEvaluationTests {
    let clock = TestClock()

    func engine() -> HealthEngine {
        HealthEngine(
            config: AgentConfig(), agent: AgentInfo(version: "test"), collectors: [.arrays],
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), clock: { clock.now }, wallClock: { clock.now })
    }

    func resync() -> ArrayUpdate {
        ArrayUpdate(scope: .all, arrays: [], cause: "resync")
    }

    @Test func aNewerReadOfUnchangedDataIsNotJudgedWhileTheDataWasFresh() async {
        let engine = engine()
        await engine.apply(resync())
        let judged = await engine.lastEvaluation
        #expect(await engine.report.host.state == .ok)
        clock.advance(1)
        await engine.apply(resync())
        #expect(await engine.lastEvaluation == judged)
    }

    @Test func aReaderErrorIsJudgedAtOnce() async {
        let engine = engine()
        await engine.apply(resync())
        clock.advance(1)
        await engine.readerFailed(.arrays, "sysfs went away")
        #expect(await engine.lastEvaluation == clock.now)
    }

    @Test func staleDataThatIsReadAgainIsJudgedAtOnce() async {
        let engine = engine()
        await engine.apply(resync())
        clock.advance(AgentConfig().arrays.staleAfterSeconds + 1)
        await engine.tick()
        #expect(await engine.report.host.state == .unknown)
        clock.advance(1)
        await engine.apply(resync())
        #expect(await engine.lastEvaluation == clock.now)
        #expect(await engine.report.host.state == .ok)
    }

    @Test func theDeadlineOfTheFreshDataStillJudgesWithTheNewerRead() async {
        let engine = engine()
        await engine.apply(resync())
        clock.advance(60)
        await engine.apply(resync())  // fresh before, not judged now
        clock.advance(AgentConfig().arrays.staleAfterSeconds - 60 + 1)
        await engine.tick()  // the first read's staleness deadline has passed
        #expect(await engine.lastEvaluation == clock.now)
        #expect(await engine.report.host.state == .ok)
    }
}
