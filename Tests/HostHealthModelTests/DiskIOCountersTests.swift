import HostHealthModel


import Testing

@Suite("DiskIOCounters: /sys/block/X/stat in bytes and seconds")
struct DiskIOCountersTests {
    @Test func seventeenFieldsOfAModernKernelAreAllRead() throws {
        let stat = "  233190    14721 11034874   373285   200968   250443 32264376   389685        0   145148   817125   172152        1 32082480    46130    31767     8024\n"
        let counters = try #require(DiskIOCounters(stat: stat))
        #expect(counters.readsCompleted == 233_190)
        #expect(counters.readsMerged == 14_721)
        #expect(counters.readBytes == 11_034_874 * 512)
        #expect(counters.readSeconds == 373.285)
        #expect(counters.writesCompleted == 200_968)
        #expect(counters.writtenBytes == 32_264_376 * 512)
        #expect(counters.writeSeconds == 389.685)
        #expect(counters.inFlight == 0)
        #expect(counters.ioSeconds == 145.148)
        #expect(counters.weightedIOSeconds == 817.125)
        #expect(counters.discardsCompleted == 172_152)
        #expect(counters.discardedBytes == 32_082_480 * 512)
        #expect(counters.flushesCompleted == 31_767)
        #expect(counters.flushSeconds == 8.024)
    }

    @Test func elevenFieldsOfAnOldKernelLeaveDiscardsAndFlushesUnknown() throws {
        let counters = try #require(DiskIOCounters(stat: "1 0 8 4 2 0 16 4 3 12 20\n"))
        #expect(counters.inFlight == 3)
        #expect(counters.discardsCompleted == nil)
        #expect(counters.flushesCompleted == nil)
    }

    @Test func truncatedOrForeignTextIsNotReadAsZeros() {
        #expect(DiskIOCounters(stat: "") == nil)
        #expect(DiskIOCounters(stat: "1 2 3 4 5\n") == nil)
        #expect(DiskIOCounters(stat: "1 2 3 4 5 6 7 8 9 10 eleven\n") == nil)
        #expect(DiskIOCounters(stat: "-1 2 3 4 5 6 7 8 9 10 11\n") == nil)
    }
}
