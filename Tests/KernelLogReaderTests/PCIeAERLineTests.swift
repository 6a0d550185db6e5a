import HostHealthModel
import KernelLogReader
import Testing

/// Kernel-log messages as `drivers/pci/pcie/aer.c` writes them, old and new.
@Suite struct PCIeAERLineTests {
    @Test func correctedReportBlamesTheDeviceOnTheLine() {
        let event = PCIeLogEvent.recognise("nvme 0000:3b:00.0: PCIe Bus Error: severity=Corrected, type=Physical Layer, (Receiver ID)")
        #expect(event == PCIeLogEvent(device: "0000:3b:00.0", severity: .correctable))
    }

    @Test func aerPrefixSince419() {
        let event = PCIeLogEvent.recognise("pcieport 0000:00:1c.0: AER: PCIe Bus Error: severity=Uncorrected (Non-Fatal), type=Transaction Layer, (Requester ID)")
        #expect(event == PCIeLogEvent(device: "0000:00:1c.0", severity: .nonFatal))
    }

    @Test func newerKernelsSayUncorrectableAndCorrectable() {
        #expect(PCIeLogEvent.recognise("mlx5_core 0000:3b:00.0: AER: PCIe Bus Error: severity=Uncorrectable (Fatal), type=Inaccessible, (Unregistered Agent ID)")?.severity == .fatal)
        #expect(PCIeLogEvent.recognise("mlx5_core 0000:3b:00.0: AER: PCIe Bus Error: severity=Uncorrectable (Non-Fatal), type=Transaction Layer, (Requester ID)")?.severity == .nonFatal)
        #expect(PCIeLogEvent.recognise("nvme 0000:3b:00.0: AER: PCIe Bus Error: severity=Correctable, type=Data Link Layer, (Transmitter ID)")?.severity == .correctable)
        #expect(PCIeLogEvent.recognise("nvme 0000:3b:00.0: PCIe Bus Error: severity=Uncorrected (Fatal), type=Transaction Layer, (Requester ID)")?.severity == .fatal)
    }

    @Test func olderKernelIDForm() {
        let event = PCIeLogEvent.recognise("pcieport 0000:00:03.0: PCIe Bus Error: severity=Corrected, type=Physical Layer, id=0018(Receiver ID)")
        #expect(event == PCIeLogEvent(device: "0000:00:03.0", severity: .correctable))
    }

    @Test func rootPortSummaryAndDetailLinesAreNotEvents() {
        for line in [
            "pcieport 0000:00:1c.0: AER: Corrected error received: 0000:3b:00.0",
            "pcieport 0000:00:1c.0: AER: Multiple Corrected error received: 0000:3b:00.0",
            "pcieport 0000:00:1c.0: AER: Uncorrected (Non-Fatal) error received: 0000:3b:00.0",
            "pcieport 0000:00:1c.0: AER: Correctable error message received from 0000:3b:00.0",
            "nvme 0000:3b:00.0:   device [8086:0953] error status/mask=00000001/00002000",
            "nvme 0000:3b:00.0:    [ 0] RxErr                  (First)",
            "pcieport 0000:00:1c.0: AER: aer_status: 0x00000001, aer_mask: 0x00002000",
        ] {
            #expect(PCIeLogEvent.recognise(line) == nil, "\(line)")
        }
    }

    @Test func otherAndMalformedLinesAreNotEvents() {
        for line in [
            "EDAC MC0: 1 CE memory read error on CPU_SrcID#0_Ha#0_Chan#1_DIMM#0",
            "PCIe Bus Error: severity=Corrected, type=Physical Layer",
            "nvme nvme0: PCIe Bus Error: severity=Corrected, type=Physical Layer, (Receiver ID)",
            "nvme 0000:3b:00.0: PCIe Bus Error: severity=Sort of bad, type=Physical Layer",
            "a b c d 0000:3b:00.0: PCIe Bus Error: severity=Corrected, type=Physical Layer",
            "",
        ] {
            #expect(PCIeLogEvent.recognise(line) == nil, "\(line)")
        }
    }

    @Test func theReaderRoutesAERReportsToThePCIeDomain() {
        var router = KernelLogRouter()
        let record = KernelLogRecord(priority: 3, sequence: 1, microseconds: 1, message: "nvme 0000:3b:00.0: PCIe Bus Error: severity=Corrected, type=Physical Layer, (Receiver ID)")
        #expect(router.route(record) as? PCIeLogEvent == PCIeLogEvent(device: "0000:3b:00.0", severity: .correctable))
    }
}
