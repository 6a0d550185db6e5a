import KernelLogReader
import HostHealthModel
import Testing

@Suite("KernelLogRecord: one /dev/kmsg record")
struct KernelLogRecordTests {
    @Test func recordWithFlagsAndDictionaryKeepsTheMessageOnly() throws {
        let bytes = Array("3,1234,5678901,-;sd 0:0:0:0: [sda] tag#3 Sense Key : Medium Error [current]\n SUBSYSTEM=scsi\n DEVICE=+scsi:0:0:0:0\n".utf8)
        let record = try #require(KernelLogRecord(bytes))
        #expect(record.priority == 3)
        #expect(record.level == 3)
        #expect(record.sequence == 1234)
        #expect(record.microseconds == 5_678_901)
        #expect(record.message == "sd 0:0:0:0: [sda] tag#3 Sense Key : Medium Error [current]")
    }

    @Test func facilityIsSeparateFromLevel() throws {
        let record = try #require(KernelLogRecord(Array("14,7,100,-,caller=T1;hello\n".utf8)))
        #expect(record.level == 6)
        #expect(record.message == "hello")
    }

    @Test func garbageIsNotARecord() {
        #expect(KernelLogRecord(Array("no semicolon here".utf8)) == nil)
        #expect(KernelLogRecord(Array("3,x,5;msg".utf8)) == nil)
        #expect(KernelLogRecord(Array("3,1;msg".utf8)) == nil)
        #expect(KernelLogRecord(Array("99999999999999999999999,1,2;msg".utf8)) == nil)
        #expect(KernelLogRecord([UInt8]()) == nil)
    }
}
