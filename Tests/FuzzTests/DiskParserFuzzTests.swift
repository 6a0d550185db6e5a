import HostHealthModel
import HostHealthPolicy
import DiskReader
import KernelLogReader
import Testing

/// The disk domain's parsers under damaged input: smartctl JSON through to a verdict, kernel
/// log records through to a recognised trouble, block stat lines.
@Suite("Disk parsers survive damaged input")
struct DiskParserFuzzTests {
    static let rounds = 20_000

    @Test func smartReportAndVerdictNeverTrap() {
        let seeds = [
            #"{"smartctl":{"exit_status":24,"messages":[{"string":"x","severity":"warning"}]},"device":{"name":"/dev/sda","type":"sat"},"wwn":{"naa":5,"oui":5358,"id":12345678901},"smart_status":{"passed":false},"ata_smart_attributes":{"table":[{"id":188,"name":"Command_Timeout","value":1,"thresh":0,"flags":{"prefailure":true},"raw":{"value":4295032833},"when_failed":"now"}]}}"#,
            #"{"smartctl":{"exit_status":0},"nvme_smart_health_information_log":{"critical_warning":255,"available_spare":-1,"available_spare_threshold":101,"percentage_used":65535,"media_errors":9223372036854775807,"temperature":1e308},"scsi_grown_defect_list":-5}"#,
        ].map { Array($0.utf8) }
        let tokens = ["{", "}", "[", "\"", "-", "9223372036854775808", "1e999", "null", "true", ":"].map { Array($0.utf8) }
        var mutator = Mutator(seed: 41)
        var judged = 0
        for round in 0..<Self.rounds {
            let input = mutator.mutate(seeds[round % seeds.count], dictionary: tokens)
            guard let report = try? SmartReport(json: input) else { continue }
            let health = SmartHealth(report)
            #expect(health.state == .ok || !health.reasons.isEmpty, "a verdict other than ok must say why")
            judged += 1
        }
        #expect(judged > 0)
    }

    @Test func kernelLogRecordsAndRecognitionNeverTrap() {
        let seeds = [
            "3,1234,5678901,-;sd 0:0:0:0: [sda] tag#3 Sense Key : Medium Error [current]\n SUBSYSTEM=scsi\n",
            "4,99,1,c;I/O error, dev nvme0n1, sector 8 op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0\n",
            "3,7,2,-;ata3.00: cmd 60/08 res 40/00 Emask 0x4 (timeout)\n",
            "3,8,3,-;BTRFS error (device sdc1 state EA): forced readonly\n",
        ].map { Array($0.utf8) }
        let tokens = [";", ",", "[", "]", "(", ")", ": ", " error, dev ", "nvme nvme", "\u{FF}"].map { Array($0.utf8) }
        var mutator = Mutator(seed: 42)
        let disks = [Disk(name: "sda", identity: DiskIdentity(sysfsPath: "pci0000:00/ata1/host0")), Disk(name: "nvme0n1", identity: DiskIdentity())]
        var recognised = 0
        for round in 0..<Self.rounds {
            let input = mutator.mutate(seeds[round % seeds.count], dictionary: tokens)
            guard let record = KernelLogRecord(input), let trouble = DiskTrouble.recognise(record.message) else { continue }
            _ = trouble.attribute(to: disks)
            recognised += 1
        }
        #expect(recognised > 0)
    }

    @Test func blockStatNeverTraps() {
        let seed = Array("  233190    14721 11034874   373285   200968   250443 32264376   389685        0   145148   817125   172152        1 32082480    46130    31767     8024\n".utf8)
        let tokens = [" ", "\n", "-", "18446744073709551615", "99999999999999999999"].map { Array($0.utf8) }
        var mutator = Mutator(seed: 43)
        var read = 0
        for _ in 0..<Self.rounds {
            let text = String(decoding: mutator.mutate(seed, dictionary: tokens), as: UTF8.self)
            if DiskIOCounters(stat: text) != nil { read += 1 }
        }
        #expect(read > 0 && read < Self.rounds)
    }
}
