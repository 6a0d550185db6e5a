import HostHealthModel
import KernelLogReader
import Testing

/// Every domain's kernel-log parser, through the router the reader uses, on mutated EDAC and
/// machine-check records: never a trap, and the seeds are still recognised.
@Suite("Kernel-log parsers survive damaged records")
struct KernelLogParserFuzzTests {
    static let rounds = 20_000

    @Test func edacAndMachineCheckRecordsNeverTrap() {
        let seeds = [
            "4,1,2,-;EDAC MC0: 1 CE memory read error on CPU_SrcID#0_Ha#0_Chan#1_DIMM#0 (channel:1 slot:0 page:0x5f4e1 offset:0x0 grain:32 syndrome:0x0 - area:DRAM err_code:0001:0090 socket:0 ha:0 channel_mask:2 rank:0)\n",
            "4,2,3,-;EDAC MC1: 2 UE on DIMM_A1 or DIMM_A2 (branch:0 page:0x0 offset:0x0 grain:8)\n",
            "4,3,4,-;EDAC MC0: CE page 0x1e3, offset 0x760, grain 8, syndrome 0xc4, row 1, channel 0, label \"DIMM_B1\": amd64_edac\n",
            "3,4,5,-;mce: [Hardware Error]: CPU 2: Machine Check: 0 Bank 3: cc5eb2c000100135\n",
            "3,5,6,-;[Hardware Error]: CPU:0 (17:1:1) MC15_STATUS[Over|CE|MiscV|AddrV|-|-|SyndV|CECC|-|-|-]: 0xdc2040000000011b\n",
            "2,6,7,-;mce: CPU0: Package temperature above threshold, cpu clock throttled (total events = 1)\n",
        ].map { Array($0.utf8) }
        let tokens = [" on ", " (", ":", " or ", "\"", "MC", " Bank ", "0x", "_STATUS", "18446744073709551616", "-1", "\u{FF}"].map { Array($0.utf8) }
        var router = KernelLogRouter()
        for seed in seeds { #expect(router.route(bytes: seed) != nil, "\(String(decoding: seed, as: UTF8.self))") }
        var mutator = Mutator(seed: 44)
        var recognised = 0
        for round in 0..<Self.rounds {
            let input = mutator.mutate(seeds[round % seeds.count], dictionary: tokens)
            if router.route(bytes: input) != nil { recognised += 1 }
        }
        #expect(recognised > 0)
    }
}
