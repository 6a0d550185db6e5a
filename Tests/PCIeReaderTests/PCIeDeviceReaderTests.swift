internal import Glibc
import HostHealthModel
@testable import PCIeReader
import Testing

/// The reader on a device folder written per test: what it reads, and what it does when files
/// are missing (older kernels, devices without AER or links).
@Suite struct PCIeDeviceReaderTests {
    final class Tree {
        let root: String

        init() {
            var template = Array("/tmp/hosthealth-pcie-XXXXXX".utf8CString)
            let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
            precondition(made != nil)
            root = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }

        deinit {
            _ = system("rm -rf '\(root)'")
        }

        /// Files of one device folder, each ending in the kernel's newline.
        @discardableResult
        func device(_ relative: String, _ files: [String: String]) -> String {
            let folder = "\(root)/\(relative)"
            _ = system("mkdir -p '\(folder)'")
            for (name, text) in files {
                let fd = open("\(folder)/\(name)", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                _ = (text + "\n").utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
                close(fd)
            }
            return folder
        }
    }

    @Test func endpointUnderItsPortReadsTheLinkTheAERAndThePortsMaximum() {
        let tree = Tree()
        let port = tree.device("pci0000:00/0000:00:01.0", [
            "class": "0x060400", "max_link_speed": "16.0 GT/s PCIe", "max_link_width": "8",
        ])
        let nic = tree.device("pci0000:00/0000:00:01.0/0000:3b:00.0", [
            "vendor": "0x15b3", "device": "0x101b", "class": "0x020000",
            "current_link_speed": "16.0 GT/s PCIe", "current_link_width": "8",
            "max_link_speed": "16.0 GT/s PCIe", "max_link_width": "16",
            "aer_dev_correctable": "RxErr 1\nTOTAL_ERR_COR 1", "aer_dev_fatal": "TOTAL_ERR_FATAL 0",
        ])
        let device = PCIeDeviceReader().read(syspath: nic, parentSyspath: port, names: PCIIDs(), readSerial: true)
        #expect(device.address == "0000:3b:00.0")
        #expect(device.upstream == "0000:00:01.0")
        #expect(device.upstreamMax == PCIeLinkState.Training(transfersPerSecond: 16e9, width: 8))
        #expect(device.capable.width == 8)
        // aer_dev_nonfatal is missing: that severity is unknown, the others are read.
        #expect(device.aer?.totals == PCIeAERTotals(correctable: 1, nonFatal: nil, fatal: 0))
        #expect(device.serialNumber == nil)
        #expect(device.problem == nil)
        #expect(!device.isVirtualFunction)
    }

    @Test func deviceOnTheRootBusHasNoUpstream() {
        let tree = Tree()
        let host = tree.device("pci0000:00/0000:00:00.0", ["vendor": "0x8086", "device": "0x09a2", "class": "0x060000"])
        let device = PCIeDeviceReader().read(syspath: host, parentSyspath: "\(tree.root)/pci0000:00", names: PCIIDs(), readSerial: false)
        #expect(device.upstream == nil)
        #expect(device.aer == nil)
        #expect(!device.link.isReported)
    }

    @Test func virtualFunctionIsToldByItsPhysfnLink() {
        let tree = Tree()
        let pf = tree.device("pci0000:00/0000:86:00.0", ["class": "0x020000"])
        let vf = tree.device("pci0000:00/0000:86:02.0", ["class": "0x020000"])
        symlink(pf, "\(vf)/physfn")
        let device = PCIeDeviceReader().read(syspath: vf, parentSyspath: nil, names: PCIIDs(), readSerial: false)
        #expect(device.isVirtualFunction)
    }

    @Test func vanishedDeviceGivesAnEmptyDeviceNotAFailure() {
        let device = PCIeDeviceReader().read(syspath: "/nonexistent/0000:3b:00.0", parentSyspath: nil, names: PCIIDs(), readSerial: true)
        #expect(device.address == "0000:3b:00.0")
        #expect(device.problem == nil)
        #expect(device.aer == nil)
    }
}
