import HostHealthModel
import KernelLogReader
import Testing

/// A domain's parser for tests: claims records whose message starts with its prefix, and
/// counts the records it was offered (state kept between records).
struct PrefixParser: KernelLogParser {
    struct Seen: KernelLogEvent, Equatable {
        var prefix: String
        var message: String
        var offered: Int

        func fold(into fold: inout SnapshotFold, at now: Timestamp) -> FoldChange { .nothing }
    }

    var prefix: String
    var offered = 0

    mutating func recognise(_ record: KernelLogRecord) -> (any KernelLogEvent)? {
        offered += 1
        return record.message.hasPrefix(prefix) ? Seen(prefix: prefix, message: record.message, offered: offered) : nil
    }
}

@Suite("KernelLogRouter: each record to the domains' parsers")
struct KernelLogRouterTests {
    func record(_ message: String) -> KernelLogRecord {
        KernelLogRecord(priority: 3, sequence: 1, microseconds: 1, message: message)
    }

    @Test func theFirstParserThatRecognisesARecordHasIt() throws {
        var router = KernelLogRouter(parsers: [PrefixParser(prefix: "EDAC"), PrefixParser(prefix: "E")])
        let edac = try #require(router.route(record("EDAC MC0: 1 CE")) as? PrefixParser.Seen)
        #expect(edac.prefix == "EDAC")
        let other = try #require(router.route(record("Elsewhere")) as? PrefixParser.Seen)
        #expect(other.prefix == "E")
        #expect(router.route(record("nothing for anyone")) == nil)
    }

    @Test func parsersKeepTheirStateBetweenRecords() throws {
        var router = KernelLogRouter(parsers: [PrefixParser(prefix: "x")])
        _ = router.route(record("a"))
        _ = router.route(record("b"))
        let third = try #require(router.route(record("x")) as? PrefixParser.Seen)
        #expect(third.offered == 3)
    }

    @Test func rawRecordsAreParsedThenRouted() {
        var router = KernelLogRouter()
        let event = router.route(bytes: Array("3,10,20,-;I/O error, dev sdq, sector 8 op 0x0:(READ) flags 0x0\n".utf8))
        #expect(event?.isEqual(to: DiskTrouble(kind: .ioError, subject: "sdq")) == true)
        #expect(router.route(bytes: Array("not a record".utf8)) == nil)
    }

    @Test func updatesCompareTheirEvents() {
        let trouble = DiskTrouble(kind: .reset, subject: "ata1")
        #expect(KernelLogUpdate(troubles: [trouble], records: 1) == KernelLogUpdate(events: [trouble], records: 1))
        #expect(KernelLogUpdate(troubles: [trouble], records: 1) != KernelLogUpdate(troubles: [], records: 1))
        #expect(KernelLogUpdate(troubles: [trouble], records: 1).troubles == [trouble])
    }
}
