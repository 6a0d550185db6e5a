package import HostHealthModel
internal import Glibc
internal import HostSystem

/// Reads the CPUs' packages and thermal throttle counters from
/// `/sys/devices/system/cpu/cpuN/`: `topology/physical_package_id`, `topology/core_id` and
/// `thermal_throttle/{core,package}_throttle_count` with their `*_total_time_ms` (counts since
/// boot, kept by the kernel's thermal interrupt handler; absent in most virtual machines).
/// An offline CPU has no topology and is left out.
package struct CPUReader: Sendable {
    package var root: String

    package init(root: String = "/sys/devices/system/cpu") {
        self.root = root
    }

    package func read() -> CPUUpdate {
        let started = SystemClock.monotonic.seconds()
        var skipped: [String: UInt64] = [:]
        func number(_ path: String) -> UInt64? {
            guard let text = SysfsAttribute.text(path) else { return nil }
            let trimmed = text.filter { !$0.isWhitespace }
            guard let value = UInt64(trimmed) else {
                skipped["non_numeric", default: 0] += 1
                return nil
            }
            return value
        }
        var packages: [Int: CPUPackage] = [:]
        var seenCores: [Int: Set<Int>] = [:]
        let cpus = Self.list(root).compactMap { name -> Int? in
            guard name.hasPrefix("cpu"), let index = Int(name.dropFirst(3)), index >= 0 else { return nil }
            return index
        }.sorted()
        for cpu in cpus {
            let base = "\(root)/cpu\(cpu)"
            guard let packageID = number("\(base)/topology/physical_package_id").map({ Int(clamping: $0) }) else { continue }
            var package = packages[packageID] ?? CPUPackage(id: packageID)
            package.cpus.append(cpu)
            let throttle = "\(base)/thermal_throttle"
            if let count = number("\(throttle)/package_throttle_count") {
                package.packageThrottles = max(package.packageThrottles ?? 0, count)
            }
            if let time = number("\(throttle)/package_throttle_total_time_ms") {
                package.packageThrottleMilliseconds = max(package.packageThrottleMilliseconds ?? 0, time)
            }
            // Threads of one core show the same core counts: each core once.
            let core = number("\(base)/topology/core_id").map { Int(clamping: $0) } ?? cpu
            if seenCores[packageID, default: []].insert(core).inserted {
                if let count = number("\(throttle)/core_throttle_count") {
                    package.coreThrottles = (package.coreThrottles ?? 0) &+ count
                }
                if let time = number("\(throttle)/core_throttle_total_time_ms") {
                    package.coreThrottleMilliseconds = (package.coreThrottleMilliseconds ?? 0) &+ time
                }
            }
            packages[packageID] = package
        }
        let sorted = packages.values.sorted { $0.id < $1.id }
        let unavailable = sorted.isEmpty ? "no CPU topology under \(root)" : nil
        return CPUUpdate(packages: sorted, unavailable: unavailable, skipped: skipped, durationSeconds: SystemClock.monotonic.seconds() - started)
    }

    static func list(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }
}
