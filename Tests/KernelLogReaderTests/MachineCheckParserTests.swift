import HostHealthModel
import KernelLogReader
import Testing

@Suite("MachineCheckParser: machine checks and throttle notices of the kernel log")
struct MachineCheckParserTests {
    func event(_ message: String) -> MachineCheckEvent? { MachineCheckParser.recognise(message) }

    @Test func intelRecordsCorrectedAndUncorrected() {
        let corrected = event("mce: [Hardware Error]: CPU 2: Machine Check: 0 Bank 3: cc5eb2c000100135")
        #expect(corrected == MachineCheckEvent(.record(cpu: 2, bank: 3, status: 0xcc5e_b2c0_0010_0135)))
        #expect(corrected?.uncorrected == false)
        let fatal = event("mce: [Hardware Error]: CPU 0: Machine Check Exception: 5 Bank 4: b200000000070f0f")
        #expect(fatal == MachineCheckEvent(.record(cpu: 0, bank: 4, status: 0xb200_0000_0007_0f0f)))
        #expect(fatal?.uncorrected == true)
        #expect(event("[Hardware Error]: CPU 13: Machine Check: 0 Bank 7: bd80000000100134")?.uncorrected == true)
    }

    @Test func amdDecoderRecords() {
        let record = event("[Hardware Error]: CPU:0 (17:1:1) MC15_STATUS[Over|CE|MiscV|AddrV|-|-|SyndV|CECC|-|-|-]: 0xdc2040000000011b")
        #expect(record == MachineCheckEvent(.record(cpu: 0, bank: 15, status: 0xdc20_4000_0000_011b)))
        #expect(record?.uncorrected == false)
        #expect(event("[Hardware Error]: CPU:7 (19:50:0) MC14_STATUS[-|UE|-|AddrV|PCC|-|-|-|-|-]: 0xbe00000000000000")?.uncorrected == true)
    }

    @Test func noticesAndThrottling() {
        #expect(event("mce: [Hardware Error]: Machine check events logged") == MachineCheckEvent(.logged))
        #expect(event("[Hardware Error]: Machine check events logged") == MachineCheckEvent(.logged))
        #expect(event("mce: CPU4: Package temperature above threshold, cpu clock throttled (total events = 12)")
            == MachineCheckEvent(.throttled(cpu: 4, package: true)))
        #expect(event("CPU0: Core temperature above threshold, cpu clock throttled (total events = 1)")
            == MachineCheckEvent(.throttled(cpu: 0, package: false)))
    }

    @Test(arguments: [
        "mce: [Hardware Error]: TSC 0 ADDR 4658130c0 MISC 102285 ",
        "mce: [Hardware Error]: PROCESSOR 0:506e3 TIME 1506182841 SOCKET 0 APIC 4 microcode 74",
        "[Hardware Error]: Corrected error, no action required.",
        "[Hardware Error]: Error Addr: 0x0000000065aa27c0",
        "mce: CPU0: Core temperature/speed normal",
        "mce: CPU supports 9 MCE banks",
        "mce: [Hardware Error]: CPU x: Machine Check: 0 Bank 3: cc5e",
        "mce: [Hardware Error]: CPU 1: Machine Check: 0 Bank 3: ",
        "CMCI storm detected: switching to poll mode",
        "",
    ])
    func linesThatAreNoEvent(_ line: String) {
        #expect(event(line) == nil)
    }
}
