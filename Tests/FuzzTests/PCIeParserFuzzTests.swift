import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
import KernelLogReader
@testable import PCIeReader
import Testing

/// Damaged sysfs text and kernel-log lines: every attribute of a NIC mutated must still give a
/// device (with a problem where a value means nothing) and a verdict, never a crash; mutated
/// AER lines are recognised or not, never a crash.
@Suite struct PCIeParserFuzzTests {
    static let valid: [String: String] = [
        "vendor": "0x15b3", "device": "0x101b", "subsystem_vendor": "0x15b3", "subsystem_device": "0x0007",
        "class": "0x020000", "current_link_speed": "8.0 GT/s PCIe", "current_link_width": "8",
        "max_link_speed": "16.0 GT/s PCIe", "max_link_width": "16",
        "aer_dev_correctable": "RxErr 5\nBadTLP 2\nTOTAL_ERR_COR 7",
        "aer_dev_nonfatal": "Undefined 0\nSurprise Down Error 0\nTOTAL_ERR_NONFATAL 0",
        "aer_dev_fatal": "Undefined 0\nTOTAL_ERR_FATAL 0", "aer_rootport_total_err_cor": "12",
    ]
    static let dictionary = ["Unknown", "GT/s", " ", "\n", "TOTAL_ERR_COR", "x", "0x", "-1", "18446744073709551616", "0"]
        .map { Array($0.utf8) }

    @Test func mutatedAttributesGiveADeviceAndAVerdictNeverACrash() {
        var mutator = Mutator(seed: 2026)
        let policy = HealthPolicy(config: AgentConfig())
        var problems = 0
        for _ in 0..<3000 {
            var attributes = PCIeAttributes(address: "0000:3b:00.0", upstream: "0000:3a:00.0")
            for (key, text) in Self.valid {
                attributes.values[key] = .text(String(decoding: mutator.mutate(Array(text.utf8), dictionary: Self.dictionary), as: UTF8.self))
            }
            attributes.upstreamValues["max_link_width"] = .text(String(decoding: mutator.mutate(Array("16".utf8), dictionary: Self.dictionary), as: UTF8.self))
            let device = PCIeParser.parse(attributes, names: PCIIDs())
            #expect(device.address == "0000:3b:00.0")
            var snapshot = HostSnapshot(readers: [ReaderStatus(name: "pcie", lastSuccess: Timestamp(secondsSinceEpoch: 0))])
            snapshot.pcie = [device.address: device]
            let result = policy.evaluate(previous: HealthMemory(), snapshot: snapshot, now: Timestamp(secondsSinceEpoch: 0))
            if device.problem != nil {
                problems += 1
                #expect(result.report.components.first.map { $0.state >= .unknown } ?? true)
            }
        }
        // The damage must have reached the parser's refusals, or the test proves nothing.
        #expect(problems > 100)
    }

    @Test func mutatedAERLinesNeverCrash() {
        var mutator = Mutator(seed: 14)
        let line = Array("mlx5_core 0000:3b:00.0: AER: PCIe Bus Error: severity=Uncorrectable (Non-Fatal), type=Transaction Layer, (Requester ID)".utf8)
        let dictionary = ["0000:", ":", " ", "severity=", "Corrected", "(Fatal)", ","].map { Array($0.utf8) }
        var recognised = 0
        for _ in 0..<5000 {
            let text = String(decoding: mutator.mutate(line, dictionary: dictionary), as: UTF8.self)
            if let event = PCIeLogEvent.recognise(text) {
                recognised += 1
                #expect(PCIeDevice.isAddress(event.device))
            }
        }
        #expect(recognised > 0 && recognised < 5000)
    }
}
