import HostHealthModel
import KernelLogReader
import Testing

@Suite("MemoryErrorParser: EDAC lines of the kernel log")
struct MemoryErrorParserTests {
    func event(_ message: String) -> MemoryErrorEvent? { MemoryErrorParser.recognise(message) }

    @Test func skylakeCorrectedErrorWithItsFirmwareLabelAndLocation() {
        let line = "EDAC MC0: 1 CE memory read error on CPU_SrcID#0_Ha#0_Chan#1_DIMM#0 (channel:1 slot:0 page:0x5f4e1 offset:0x0 grain:32 syndrome:0x0 - area:DRAM err_code:0001:0090 socket:0 ha:0 channel_mask:2 rank:0)"
        #expect(event(line) == MemoryErrorEvent(
            controller: 0, type: .corrected, count: 1, labels: ["CPU_SrcID#0_Ha#0_Chan#1_DIMM#0"],
            location: [MemoryLocation("channel", 1), MemoryLocation("slot", 0)], message: "memory read error"))
    }

    @Test func uncorrectedWithoutAMessageAndACount() {
        #expect(event("EDAC MC1: 2 UE on DIMM_B2 (channel:0 slot:1 page:0x0 offset:0x0 grain:8)") == MemoryErrorEvent(
            controller: 1, type: .uncorrected, count: 2, labels: ["DIMM_B2"], location: [MemoryLocation("channel", 0), MemoryLocation("slot", 1)]))
    }

    @Test func memoryTheKernelCouldNotNameHasNoLabel() {
        let ghes = event("EDAC MC0: 1 CE Single-bit ECC on unknown memory (node:0 card:0 module:0 rank:0 page:0x12 offset:0x0 grain:1 syndrome:0x0 - APEI location: node:0 status(0x0000000000000400): Memory read error)")
        #expect(ghes?.labels == [] && ghes?.location == [] && ghes?.message == "Single-bit ECC")
        #expect(event("EDAC MC3: 1 UE on any memory ( page:0x0 offset:0x0 grain:1)")?.labels == [])
    }

    @Test func severalPossibleDimmsAreAllNamed() {
        #expect(event("EDAC MC0: 1 UE on DIMM_A1 or DIMM_A2 (branch:0 page:0x0 offset:0x0 grain:8)")?.labels == ["DIMM_A1", "DIMM_A2"])
    }

    @Test func amdAndDriverPrefixedLines() {
        let amd = event("EDAC MC0: 1 CE on mc#0csrow#0channel#0 (csrow:0 channel:0 page:0x10b544 offset:0xfc0 grain:64 syndrome:0x4020)")
        #expect(amd?.labels == ["mc#0csrow#0channel#0"] && amd?.location == [MemoryLocation("csrow", 0), MemoryLocation("channel", 0)])
        #expect(event("EDAC sbridge MC2: 1 CE memory scrubbing error on CPU_SrcID#1_Ha#0_Chan#0_DIMM#1 (channel:0 slot:1 page:0x1 offset:0x0 grain:32 syndrome:0x0)")?.controller == 2)
    }

    @Test func legacyFormatOfOldKernels() {
        #expect(event("EDAC MC0: CE page 0x1e3, offset 0x760, grain 8, syndrome 0xc4, row 1, channel 0, label \"DIMM_B1\": amd64_edac") == MemoryErrorEvent(
            controller: 0, type: .corrected, count: 1, labels: ["DIMM_B1"], location: [MemoryLocation("csrow", 1), MemoryLocation("channel", 0)]))
        #expect(event("EDAC MC0: UE page 0x1e3, offset 0x760, grain 8, row 1, labels \":\": amd64_edac")?.labels == [])
    }

    @Test(arguments: [
        "EDAC skx MC1: HANDLING MCE MEMORY ERROR",
        "EDAC sbridge MC0: CPU 0: Machine Check Event: 0 Bank 7: 8c00004000010090",
        "EDAC amd64: MC0 Error: Node 0, F2 Error",
        "EDAC MC0: Giving out device to module skx_edac controller Skylake Socket#0 IMC#0: DEV 0000:2e:0a.0 (INTERRUPT)",
        "EDAC MC0: 0 CE memory read error on DIMM_A1 (channel:0)",
        "EDAC MC0: x CE on DIMM_A1 (channel:0)",
        "EDAC MCx: 1 CE on DIMM_A1 (channel:0)",
        "EDAC MC0: 1 XE on DIMM_A1 (channel:0)",
        "EDAC: 1 CE on DIMM_A1",
        "I/O error, dev sda, sector 8",
        "",
    ])
    func linesThatAreNoErrorReport(_ line: String) {
        #expect(event(line) == nil)
    }

    @Test func theRouterHandsEdacRecordsToTheMemoryParser() {
        var router = KernelLogRouter()
        let routed = router.route(bytes: Array("4,99,1000,-;EDAC MC0: 1 CE on DIMM_A1 (channel:0 slot:0 page:0x0 offset:0x0 grain:8 syndrome:0x0)\n".utf8))
        #expect(routed?.isEqual(to: MemoryErrorEvent(controller: 0, type: .corrected, count: 1, labels: ["DIMM_A1"], location: [MemoryLocation("channel", 0), MemoryLocation("slot", 0)])) == true)
    }
}
