import Glibc
import HostHealthModel
@testable import MemoryReader
import Testing

/// A throwaway EDAC tree in a temp folder; files end in a newline, as the kernel writes them.
final class EDACTree {
    let root: String

    init() {
        var template = Array("/tmp/hosthealth-edac-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        root = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit { _ = system("rm -rf '\(root)'") }

    var mc: String { root + "/mc" }

    func write(_ relative: String, _ text: String) {
        let path = "\(mc)/\(relative)"
        var folder = ""
        for part in path.split(separator: "/").dropLast() {
            folder += "/\(part)"
            mkdir(folder, 0o755)
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(fd >= 0, "cannot create \(path)")
        let line = text + "\n"
        _ = line.utf8CString.withUnsafeBufferPointer { Glibc.write(fd, $0.baseAddress, $0.count - 1) }
        close(fd)
    }

    func files(_ folder: String, _ attributes: [String: String]) {
        for (name, value) in attributes { write("\(folder)/\(name)", value) }
    }

    func controller(_ index: Int, name: String = "Skylake Socket#0 IMC#0", ce: String = "0", ue: String = "0") {
        files("mc\(index)", [
            "mc_name": name, "size_mb": "65536", "ce_count": ce, "ue_count": ue, "ce_noinfo_count": "0",
            "ue_noinfo_count": "0", "seconds_since_reset": "1234", "max_location": "channel 2 slot 1 ",
        ])
    }

    func dimm(_ controller: Int, _ index: Int, label: String, location: String, ce: String = "0", ue: String = "0", size: String = "16384") {
        files("mc\(controller)/dimm\(index)", [
            "dimm_label": label, "dimm_location": location, "size": size, "dimm_mem_type": "Registered-DDR4",
            "dimm_edac_mode": "S4ECD4ED", "dimm_dev_type": "x4", "dimm_ce_count": ce, "dimm_ue_count": ue,
        ])
    }
}

@Suite("EDACReader: controllers and modules from the EDAC tree")
struct EDACReaderTests {
    @Test func dimmLayoutWithFirmwareLabels() throws {
        let tree = EDACTree()
        tree.controller(0, ce: "5", ue: "1")
        tree.dimm(0, 0, label: "CPU_SrcID#0_Ha#0_Chan#0_DIMM#0", location: "channel 0 slot 0 ", ce: "3")
        tree.dimm(0, 1, label: "CPU_SrcID#0_Ha#0_Chan#1_DIMM#0", location: "channel 1 slot 0 ", ce: "2", ue: "1")
        tree.write("mc0/power/control", "auto")  // not a module
        let update = EDACReader(root: tree.mc).read()
        #expect(update.unavailable == nil && update.error == nil)
        let controller = try #require(update.controllers?.first)
        #expect(controller.index == 0 && controller.model == "Skylake Socket#0 IMC#0" && controller.sizeMB == 65536)
        #expect(controller.correctedErrors == 5 && controller.uncorrectedErrors == 1)
        #expect(controller.correctedNoInfo == 0 && controller.uncorrectedNoInfo == 0)
        #expect(controller.dimms.map(\.key) == ["CPU_SrcID#0_Ha#0_Chan#0_DIMM#0", "CPU_SrcID#0_Ha#0_Chan#1_DIMM#0"])
        let second = controller.dimms[1]
        #expect(second.location == [MemoryLocation("channel", 1), MemoryLocation("slot", 0)])
        #expect(second.layout == .dimm && second.entries == ["dimm1"])
        #expect(second.sizeMB == 16384 && second.memoryType == "Registered-DDR4" && second.edacMode == "S4ECD4ED" && second.deviceType == "x4")
        #expect(second.correctedErrors == 2 && second.uncorrectedErrors == 1)
    }

    @Test func controllersAndModulesInNumericOrder() throws {
        let tree = EDACTree()
        for index in [10, 2, 0] { tree.controller(index) }
        for index in [11, 1] { tree.dimm(0, index, label: "D\(index)", location: "channel \(index) slot 0 ") }
        let update = EDACReader(root: tree.mc).read()
        #expect(update.controllers?.map(\.index) == [0, 2, 10])
        #expect(update.controllers?.first?.dimms.map(\.label) == ["D1", "D11"])
    }

    @Test func ranksOfOneLabelAreOneModule() throws {
        let tree = EDACTree()
        tree.controller(0, name: "F17h_M30h")
        for (rank, ce) in [(0, "4"), (1, "1")] {
            tree.files("mc0/rank\(rank)", [
                "dimm_label": "DIMM_A1", "dimm_location": "csrow \(rank) channel 0 ", "size": "8192", "dimm_ce_count": ce, "dimm_ue_count": "0",
            ])
        }
        tree.files("mc0/rank2", ["dimm_label": "mc#0csrow#2channel#0", "dimm_location": "csrow 2 channel 0 ", "size": "8192", "dimm_ce_count": "0", "dimm_ue_count": "0"])
        let modules = try #require(EDACReader(root: tree.mc).read().controllers?.first?.dimms)
        #expect(modules.count == 2)
        #expect(modules[0].label == "DIMM_A1" && modules[0].entries == ["rank0", "rank1"] && modules[0].layout == .rank)
        #expect(modules[0].correctedErrors == 5 && modules[0].sizeMB == 16384)
        #expect(modules[0].location == [MemoryLocation("channel", 0)], "what the ranks share")
        #expect(modules[1].key == "mc#0csrow#2channel#0")
    }

    @Test func olderCsrowLayoutIsReadPerChannel() throws {
        let tree = EDACTree()
        tree.controller(0, name: "i5000")
        tree.files("mc0/csrow1", [
            "size_mb": "4096", "mem_type": "FB-DDR2", "edac_mode": "S4ECD4ED", "dev_type": "x8", "ue_count": "1", "ce_count": "7",
            "ch0_ce_count": "5", "ch0_dimm_label": "DIMM_B1", "ch1_ce_count": "2", "ch1_dimm_label": "",
        ])
        tree.files("mc0/csrow0", ["size_mb": "0", "ue_count": "0", "ce_count": "0", "ch0_ce_count": "0"])
        let modules = try #require(EDACReader(root: tree.mc).read().controllers?.first?.dimms)
        #expect(modules.count == 2, "an empty csrow is no module")
        #expect(modules[0].label == "DIMM_B1" && modules[0].correctedErrors == 5 && modules[0].uncorrectedErrors == 1)
        #expect(modules[0].sizeMB == 2048 && modules[0].memoryType == "FB-DDR2" && modules[0].layout == .csrow)
        #expect(modules[1].label == nil && modules[1].key == "mc0 csrow 1 channel 1")
        #expect(modules[1].location == [MemoryLocation("csrow", 1), MemoryLocation("channel", 1)])
    }

    @Test func missingAttributesAreUnknownAndNonNumbersAreSkippedAndCounted() throws {
        let tree = EDACTree()
        tree.files("mc0", ["ce_count": "lots", "ue_count": "-1", "mc_name": "  "])
        tree.files("mc0/dimm0", ["dimm_ce_count": "3x", "size": "16384"])
        let update = EDACReader(root: tree.mc).read()
        let controller = try #require(update.controllers?.first)
        #expect(controller.correctedErrors == nil && controller.uncorrectedErrors == nil && controller.model == nil)
        #expect(controller.correctedNoInfo == nil && controller.sizeMB == nil)
        let module = try #require(controller.dimms.first)
        #expect(module.label == nil && module.location.isEmpty && module.correctedErrors == nil && module.uncorrectedErrors == nil)
        #expect(module.key == "mc0 dimm0")
        #expect(update.skipped == ["non_numeric": 3])
    }

    @Test func noTreeIsAFactNotAnError() {
        let update = EDACReader(root: "/nonexistent/edac/mc").read()
        #expect(update.controllers == [])
        #expect(update.error == nil)
        #expect(update.unavailable?.contains("no EDAC tree") == true)
        let tree = EDACTree()
        tree.write("power/control", "auto")
        let empty = EDACReader(root: tree.mc).read()
        #expect(empty.controllers == [] && empty.unavailable?.contains("no EDAC memory controller") == true)
    }

    @Test func locationsAsTheKernelWritesThem() {
        #expect(EDACReader.location("branch 0 channel 1 slot 2 ") == [MemoryLocation("branch", 0), MemoryLocation("channel", 1), MemoryLocation("slot", 2)])
        #expect(EDACReader.location("") == [])
        #expect(EDACReader.location("channel x") == [])
    }
}
