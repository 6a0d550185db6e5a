@testable import CPUReader
import HostHealthModel
import Testing

@Suite("CPUReader: packages and throttle counters from sysfs")
struct CPUReaderTests {
    /// Two packages of two cores with two threads each; package 1 throttles.
    func tree() -> EDACTree {
        let tree = EDACTree()
        for cpu in 0..<8 {
            let package = cpu / 4
            let core = (cpu % 4) / 2
            tree.files("cpu\(cpu)", ["topology/physical_package_id": "\(package)", "topology/core_id": "\(core)", "online": "1"])
            tree.files("cpu\(cpu)/thermal_throttle", [
                "package_throttle_count": package == 1 ? "40" : "0", "package_throttle_total_time_ms": package == 1 ? "1500" : "0",
                "core_throttle_count": package == 1 ? "\(3 + core)" : "0", "core_throttle_total_time_ms": "10",
            ])
        }
        tree.write("cpufreq/policy0/scaling_governor", "performance")
        tree.write("online", "0-7")
        return tree
    }

    @Test func packagesWithTheirThrottleCountsAndEachCoreOnce() throws {
        let tree = tree()
        let update = CPUReader(root: tree.mc).read()
        let packages = try #require(update.packages)
        #expect(packages.map(\.id) == [0, 1])
        #expect(packages[1].cpus == [4, 5, 6, 7])
        #expect(packages[1].packageThrottles == 40 && packages[1].packageThrottleMilliseconds == 1500)
        #expect(packages[1].coreThrottles == 7, "cores 0 and 1 once each: 3 + 4")
        #expect(packages[1].coreThrottleMilliseconds == 20)
        #expect(packages[1].throttleEvents == 47)
        #expect(update.unavailable == nil && update.skipped.isEmpty)
    }

    @Test func aVirtualMachineHasPackagesWithoutThrottleCounts() throws {
        let tree = EDACTree()
        tree.files("cpu0", ["topology/physical_package_id": "0", "topology/core_id": "0"])
        tree.files("cpu1", ["topology/core_id": "1"])  // offline: no package id
        tree.files("cpu2/thermal_throttle", ["core_throttle_count": "many"])
        tree.files("cpu2", ["topology/physical_package_id": "0", "topology/core_id": "2"])
        let update = CPUReader(root: tree.mc).read()
        let package = try #require(update.packages?.first)
        #expect(package.cpus == [0, 2] && !package.hasThrottleCounts && package.throttleEvents == nil)
        #expect(update.skipped == ["non_numeric": 1])
        #expect(CPUReader(root: "/nonexistent").read().unavailable != nil)
    }
}
