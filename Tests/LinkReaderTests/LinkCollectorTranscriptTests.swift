import Glibc
import HostSystem
@testable import LinkReader
import Testing
import HostHealthModel

/// The collector's conversations with the kernel, replayed from annotated transcripts through
/// fake sockets: the requests it sends are checked byte by byte, and the recovery paths
/// (interrupted dumps, lost events, failed dumps) run on any machine, without root.
@Suite("LinkCollector: recorded kernel conversations replayed through a fake socket")
struct LinkCollectorTranscriptTests {
    // MARK: dump

    @Test func aDumpSendsOneGetlinkRequestAndReadsEveryDatagramUntilDone() throws {
        let kernel = ReplayedKernel(dumps: [linkDump(sequence: 2)])
        let update = try kernel.collector.dump(cause: "scrape")
        #expect(update.scope == .all)
        #expect(update.cause == "scrape")
        #expect(update.messages == [.link(loopbackLink), .link(htaLink)])
        #expect(update.skipped.isEmpty)
        #expect(kernel.dumps[0].requestsSent == [getlinkRequest(sequence: 2)])
        #expect(kernel.dumps[0].unplayed.isEmpty)
    }

    @Test func eachDumpOnTheSameSocketAsksWithTheNextSequenceNumber() throws {
        let kernel = ReplayedKernel(dumps: [linkDump(sequence: 2) + linkDump(sequence: 3)])
        _ = try kernel.collector.dump(cause: "scrape")
        _ = try kernel.collector.dump(cause: "scrape")
        #expect(kernel.dumps[0].requestsSent == [getlinkRequest(sequence: 2), getlinkRequest(sequence: 3)])
        #expect(kernel.dumps[0].unplayed.isEmpty)
    }

    @Test func anInterruptedDumpIsAskedAgainAndOnlyTheCleanAnswerCounts() throws {
        let kernel = ReplayedKernel(dumps: [interruptedLinkDump(sequence: 2) + linkDump(sequence: 3)])
        let update = try kernel.collector.dump(cause: "scrape")
        #expect(update.messages == [.link(loopbackLink), .link(htaLink)])
        #expect(kernel.dumps[0].requestsSent == [getlinkRequest(sequence: 2), getlinkRequest(sequence: 3)])
        #expect(kernel.dumps[0].unplayed.isEmpty)
    }

    @Test func aDumpInterruptedThreeTimesIsTakenAsTheThirdAnswer() throws {
        // Links that never stop changing must not keep a scrape waiting: the third answer stands.
        let transcript = (2...4).flatMap { interruptedLinkDump(sequence: $0) }
        let kernel = ReplayedKernel(dumps: [transcript])
        let update = try kernel.collector.dump(cause: "scrape")
        #expect(update.messages == [.link(loopbackLink)])
        #expect(kernel.dumps[0].requestsSent == NetlinkExchange.requests(in: transcript))
        #expect(kernel.dumps[0].unplayed.isEmpty)
    }

    @Test func statisticsDumpAsksForTheSixtyFourBitCountersOnly() throws {
        let transcript: [NetlinkExchange] = [
            .request(getstatsRequest(sequence: 2)),
            .reply(htaStatisticsReply(sequence: 2)),
            .reply(doneReply(sequence: 2)),
        ]
        let kernel = ReplayedKernel(dumps: [transcript])
        let update = try kernel.collector.dumpStatistics()
        #expect(update.scope == .statistics)
        #expect(update.cause == "scrape")
        #expect(update.messages == [.statistics(index: 5, htaStatistics)])
        #expect(kernel.dumps[0].requestsSent == [getstatsRequest(sequence: 2)])
        #expect(kernel.dumps[0].unplayed.isEmpty)
    }

    @Test func aDumpEndingInAnErrorFailsAndTheNextDumpOpensAFreshSocket() throws {
        let broken: [NetlinkExchange] = [
            .request(getlinkRequest(sequence: 2)),
            .reply(loopbackReply(sequence: 2) + doneReply(sequence: 2, result: minusEMSGSIZE)),
        ]
        let kernel = ReplayedKernel(dumps: [broken, linkDump(sequence: 2)])
        #expect {
            _ = try kernel.collector.dump(cause: "scrape")
        } throws: { error in
            (error as? HostHealthError)?.message.hasPrefix("netlink dump failed") == true && (error as? HostHealthError)?.errno == Errno(rawValue: 90)
        }
        let update = try kernel.collector.dump(cause: "scrape")
        #expect(update.messages == [.link(loopbackLink), .link(htaLink)])
        // A fresh socket numbers its requests afresh.
        #expect(kernel.dumps[1].requestsSent == [getlinkRequest(sequence: 2)])
        #expect(kernel.dumps.allSatisfy { $0.unplayed.isEmpty })
    }

    @Test func aDumpTheKernelDoesNotAnswerFailsWithTheReceiveTimeout() {
        let kernel = ReplayedKernel(dumps: [[.request(getlinkRequest(sequence: 2))]])
        #expect {
            _ = try kernel.collector.dump(cause: "scrape")
        } throws: { error in
            (error as? HostHealthError)?.message.hasPrefix("netlink receive (no answer within 2 s) failed") == true && (error as? HostHealthError)?.errno == .wouldBlock
        }
    }

    // MARK: event loop

    @Test(.timeLimit(.minutes(1)))
    func enobufsDuringEventsTriggersAFullDump() throws {
        let kernel = ReplayedKernel(
            events: [.reply(htaEvent(carrier: false)), .failure(ENOBUFS)],
            dumps: [linkDump(sequence: 2) + linkDump(sequence: 3)])
        var updates: [LinkUpdate] = []
        try kernel.collector.runEventLoop { update in
            updates.append(update)
            if update.cause == "overflow" { kernel.collector.stop() }
        }
        try #require(updates.count == 3)
        #expect(updates.map(\.scope) == [.all, .changes, .all])
        #expect(updates.map(\.cause) == ["start", nil, "overflow"])
        // The events read before the loss still count; the dump then says what is true.
        #expect(updates[1].messages == [.link(htaWithoutCarrier)])
        #expect(updates[1].events == 1)
        #expect(updates[2].messages == [.link(loopbackLink), .link(htaLink)])
        #expect(kernel.dumps[0].requestsSent == [getlinkRequest(sequence: 2), getlinkRequest(sequence: 3)])
        #expect(kernel.events.requestsSent.isEmpty)
        #expect(kernel.events.unplayed.isEmpty)
        #expect(kernel.dumps[0].unplayed.isEmpty)
    }

    @Test(.timeLimit(.minutes(1)))
    func eventsQueuedTogetherArriveAsOneChangesBatch() throws {
        let kernel = ReplayedKernel(
            events: [.reply(htaEvent(carrier: false)), .reply(htaEvent(carrier: true))],
            dumps: [linkDump(sequence: 2)])
        var updates: [LinkUpdate] = []
        try kernel.collector.runEventLoop { update in
            updates.append(update)
            if update.scope == .changes { kernel.collector.stop() }
        }
        try #require(updates.count == 2)
        #expect(updates[1].messages == [.link(htaWithoutCarrier), .link(htaLink)])
        #expect(updates[1].events == 2)
        #expect(kernel.events.unplayed.isEmpty)
    }

    @Test(.timeLimit(.minutes(1)))
    func aFailedOverflowDumpIsCountedAndTheLoopGoesOn() throws {
        // The re-dump after the loss gets no answer: the loop reports it and keeps running.
        let kernel = ReplayedKernel(
            events: [.failure(ENOBUFS)],
            dumps: [linkDump(sequence: 2) + [.request(getlinkRequest(sequence: 3))]])
        var updates: [LinkUpdate] = []
        try kernel.collector.runEventLoop { update in
            updates.append(update)
            if update.cause == "overflow" { kernel.collector.stop() }
        }
        try #require(updates.count == 2)
        #expect(updates[1].scope == .changes)
        #expect(updates[1].messages.isEmpty)
        #expect(updates[1].skipped == ["dump_failed": 1])
        #expect(kernel.dumps[0].requestsSent == [getlinkRequest(sequence: 2), getlinkRequest(sequence: 3)])
    }
}
