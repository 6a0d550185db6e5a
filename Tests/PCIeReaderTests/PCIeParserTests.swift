import HostHealthModel
import HostSystem
@testable import PCIeReader
import Testing

/// Attribute text as kernels write it, parsed without files.
@Suite struct PCIeParserTests {
    /// `aer_dev_correctable` as kernels 4.19–6.x write it (names with spaces).
    static let correctableOld = """
        Receiver Error 2
        Bad TLP 0
        Bad DLLP 1
        RELAY_NUM Rollover 0
        Replay Timer Timeout 0
        Advisory Non-Fatal 0
        Corrected Internal Error 0
        Header Log Overflow 0
        TOTAL_ERR_COR 3
        """
    /// The same as later kernels write it (short names).
    static let correctableNew = """
        RxErr 5
        BadTLP 2
        BadDLLP 0
        Rollover 0
        Timeout 0
        NonFatalErr 0
        CorrIntErr 0
        HeaderOF 0
        TOTAL_ERR_COR 7
        """
    static let fatalSurpriseDown = """
        Undefined 0
        Data Link Protocol 0
        Surprise Down Error 1
        Poisoned TLP 0
        TOTAL_ERR_FATAL 1
        """

    static func nic(_ extra: [String: String] = [:]) -> PCIeAttributes {
        var values: [String: String] = [
            "vendor": "0x15b3", "device": "0x101b", "subsystem_vendor": "0x15b3", "subsystem_device": "0x0007",
            "class": "0x020000", "current_link_speed": "8.0 GT/s PCIe", "current_link_width": "8",
            "max_link_speed": "16.0 GT/s PCIe", "max_link_width": "16",
            "aer_dev_correctable": correctableOld, "aer_dev_nonfatal": "Undefined 0\nTOTAL_ERR_NONFATAL 0",
            "aer_dev_fatal": "Undefined 0\nTOTAL_ERR_FATAL 0",
        ]
        values.merge(extra) { $1 }
        return PCIeAttributes(
            address: "0000:3b:00.0", values: values.mapValues { .text($0) }, upstream: "0000:3a:00.0",
            upstreamValues: ["max_link_speed": .text("16.0 GT/s PCIe"), "max_link_width": .text("16")])
    }

    func parse(_ attributes: PCIeAttributes) -> PCIeDevice {
        PCIeParser.parse(attributes, names: PCIIDs())
    }

    @Test func nicReadsIdentityLinkAndAER() {
        let device = parse(Self.nic())
        #expect(device.problem == nil)
        #expect(device.vendorID == 0x15b3)
        #expect(device.deviceID == 0x101b)
        #expect(device.subsystemDeviceID == 0x0007)
        #expect(device.classCode == 0x020000)
        #expect(device.category == .network)
        #expect(device.link.current == PCIeLinkState.Training(transfersPerSecond: 8e9, width: 8))
        #expect(device.link.max == PCIeLinkState.Training(transfersPerSecond: 16e9, width: 16))
        #expect(device.upstream == "0000:3a:00.0")
        #expect(device.capable == PCIeLinkState.Training(transfersPerSecond: 16e9, width: 16))
        #expect(device.aer?.totals == PCIeAERTotals(correctable: 3, nonFatal: 0, fatal: 0))
        #expect(device.aer?.breakdown[.correctable]?["Receiver Error"] == 2)
        #expect(device.aer?.breakdown[.correctable]?["RELAY_NUM Rollover"] == 0)
        #expect(device.name == "Network controller [15b3:101b]")
    }

    @Test func newerKernelsShortAERNamesParseTheSame() {
        let device = parse(Self.nic(["aer_dev_correctable": Self.correctableNew]))
        #expect(device.aer?.totals.correctable == 7)
        #expect(device.aer?.breakdown[.correctable]?["RxErr"] == 5)
        #expect(device.problem == nil)
    }

    @Test func aerFileWithoutTotalLineSumsItsLines() {
        let device = parse(Self.nic(["aer_dev_correctable": "RxErr 5\nBadTLP 2"]))
        #expect(device.aer?.totals.correctable == 7)
    }

    @Test func nonNumericAERCountIsAProblemAndNoTotal() {
        let device = parse(Self.nic(["aer_dev_correctable": "RxErr lots\nTOTAL_ERR_COR 7"]))
        #expect(device.problem?.contains("aer_dev_correctable") == true)
        // The total line itself was readable.
        #expect(device.aer?.totals.correctable == 7)
        let garbled = parse(Self.nic(["aer_dev_fatal": "garbage"]))
        #expect(garbled.aer?.totals.fatal == nil)
        #expect(garbled.problem?.contains("aer_dev_fatal") == true)
    }

    @Test func olderKernelSpeedsWithoutPCIeSuffix() {
        #expect(PCIeParser.transfersPerSecond("8 GT/s") == 8e9)
        #expect(PCIeParser.transfersPerSecond("2.5 GT/s") == 2.5e9)
        #expect(PCIeParser.transfersPerSecond("5.0 GT/s PCIe") == 5e9)
        #expect(PCIeParser.transfersPerSecond("32.0 GT/s PCIe") == 32e9)
        #expect(PCIeParser.transfersPerSecond("64.0 GT/s PCIe") == 64e9)
    }

    @Test func unknownSpeedsAndWidthsAreNil() {
        #expect(PCIeParser.transfersPerSecond("Unknown speed") == nil)
        #expect(PCIeParser.transfersPerSecond("Unknown") == nil)
        #expect(PCIeParser.transfersPerSecond("") == nil)
        #expect(PCIeParser.transfersPerSecond("fast GT/s") == nil)
        #expect(PCIeParser.width("0") == nil)
        #expect(PCIeParser.width("Unknown") == nil)
        #expect(PCIeParser.width("x16") == 16)
        #expect(PCIeParser.width("4") == 4)
        #expect(PCIeParser.width("255") == nil)
    }

    @Test func unknownWidthIsDataButGarbageIsAProblem() {
        let unknown = parse(Self.nic(["current_link_width": "0", "current_link_speed": "Unknown"]))
        #expect(unknown.problem == nil)
        #expect(unknown.link.current == PCIeLinkState.Training())
        let garbage = parse(Self.nic(["current_link_width": "sixteen"]))
        #expect(garbage.problem?.contains("current_link_width") == true)
    }

    @Test func deviceWithoutLinkOrAERHasNeither() {
        let attributes = PCIeAttributes(address: "0000:00:00.0", values: [
            "vendor": .text("0x8086"), "device": .text("0x2020"), "class": .text("0x060000"),
            "current_link_speed": .absent, "aer_dev_correctable": .absent,
        ])
        let device = parse(attributes)
        #expect(device.aer == nil)
        #expect(!device.link.isReported)
        #expect(device.category == .bridge)
        #expect(device.problem == nil)
    }

    @Test func unreadableAttributeIsAProblemNotAFailure() {
        let device = parse(Self.nic(["class": "zz"]).with("aer_dev_fatal", .failed(.permissionDenied)))
        #expect(device.problem?.contains("class is 'zz'") == true)
        #expect(device.problem?.contains("cannot read aer_dev_fatal") == true)
        #expect(device.aer?.totals.correctable == 3)
    }

    @Test func slotNarrowerThanTheCardBoundsWhatItCanReach() {
        var attributes = Self.nic()
        attributes.upstreamValues = ["max_link_speed": .text("8.0 GT/s PCIe"), "max_link_width": .text("8")]
        let device = parse(attributes)
        #expect(device.capable == PCIeLinkState.Training(transfersPerSecond: 8e9, width: 8))
    }

    @Test func rootPortTotalsAreRead() {
        let attributes = PCIeAttributes(address: "0000:00:1c.0", values: [
            "class": .text("0x060400"), "aer_rootport_total_err_cor": .text("12"),
            "aer_rootport_total_err_nonfatal": .text("0"), "aer_rootport_total_err_fatal": .text("1"),
        ])
        #expect(parse(attributes).rootPortErrors == PCIeAERTotals(correctable: 12, nonFatal: 0, fatal: 1))
    }

    @Test func fatalBreakdownKeepsNamesWithSpaces() {
        let device = parse(Self.nic(["aer_dev_fatal": Self.fatalSurpriseDown]))
        #expect(device.aer?.totals.fatal == 1)
        #expect(device.aer?.breakdown[.fatal]?["Surprise Down Error"] == 1)
    }

    @Test func categoriesFollowTheBaseClass() {
        #expect(PCIeCategory(classCode: 0x010802) == .storage)
        #expect(PCIeCategory(classCode: 0x030000) == .display)
        #expect(PCIeCategory(classCode: 0x030200) == .display)
        #expect(PCIeCategory(classCode: 0x120000) == .accelerator)
        #expect(PCIeCategory(classCode: 0x0b4000) == .accelerator)
        #expect(PCIeCategory(classCode: 0x060400) == .bridge)
        #expect(PCIeCategory(classCode: 0x088000) == .other)
        #expect(PCIeCategory(classCode: nil) == .other)
    }

    @Test func busAddresses() {
        #expect(PCIeDevice.isAddress("0000:3b:00.0"))
        #expect(PCIeDevice.isAddress("10000:e1:1f.7"))
        #expect(!PCIeDevice.isAddress("pci0000:00"))
        #expect(!PCIeDevice.isAddress("0000:3b:00"))
        #expect(!PCIeDevice.isAddress("0000:3b:0g.0"))
    }
}

extension PCIeAttributes {
    func with(_ key: String, _ value: Value) -> PCIeAttributes {
        var copy = self
        copy.values[key] = value
        return copy
    }
}
