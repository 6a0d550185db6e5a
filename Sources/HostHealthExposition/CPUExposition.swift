package import HostHealthModel
internal import HostHealthPolicy

/// The `hosthealth_cpu_*` families: per package, the thermal throttle counters (since boot)
/// and the machine checks of the kernel log (since the agent started).
enum CPUExposition {
    static func render(_ cpu: CPUSnapshot, into writer: inout MetricsWriter) {
        let packages = cpu.packages
        writer.family("hosthealth_cpu_package_cpus", .gauge, help: "Logical CPUs online in the package.")
        for package in packages { writer.sample("hosthealth_cpu_package_cpus", ["package": package.name], Double(package.cpus.count)) }
        let series: [(String, String, (CPUPackage) -> Double?)] = [
            ("hosthealth_cpu_package_throttles_total", "Times the package was thermally throttled since boot (package_throttle_count).", { $0.packageThrottles.map { Double($0) } }),
            ("hosthealth_cpu_package_throttle_seconds_total", "Time the package spent throttled since boot (package_throttle_total_time_ms).", { $0.packageThrottleMilliseconds.map { Double($0) / 1000 } }),
            ("hosthealth_cpu_core_throttles_total", "Times the package's cores were thermally throttled since boot, summed over its cores (core_throttle_count).", { $0.coreThrottles.map { Double($0) } }),
            ("hosthealth_cpu_core_throttle_seconds_total", "Time the package's cores spent throttled since boot, summed over its cores (core_throttle_total_time_ms).", { $0.coreThrottleMilliseconds.map { Double($0) / 1000 } }),
        ]
        for (name, help, value) in series {
            writer.family(name, .counter, help: help)
            for package in packages {
                if let value = value(package) { writer.sample(name, ["package": package.name], value) }
            }
        }
        writer.family("hosthealth_cpu_machine_checks_total", .counter, help: "Machine-check records in the kernel log since the agent started, by package, bank and type (corrected, uncorrected).")
        for (key, count) in cpu.machineChecks.records.sorted(by: { $0.key < $1.key }) {
            writer.sample("hosthealth_cpu_machine_checks_total", [
                "package": CPUHealth.id(key.package).key, "bank": String(key.bank), "type": key.uncorrected ? "uncorrected" : "corrected",
            ], Double(count))
        }
        writer.family("hosthealth_cpu_machine_check_notices_total", .counter, help: "'Machine check events logged' notices in the kernel log since the agent started (records sent to mcelog or rasdaemon, not printed).")
        writer.sample("hosthealth_cpu_machine_check_notices_total", [:], Double(cpu.machineChecks.notices))
    }
}

/// One line about a CPU package for `/status` and `hostctl status`.
package enum CPUSummary {
    package static func details(_ snapshot: HostSnapshot) -> [ComponentID: String] {
        guard let cpu = snapshot.cpu else { return [:] }
        var details: [ComponentID: String] = [:]
        for package in cpu.packages {
            var parts = ["\(package.cpus.count) CPUs"]
            if let count = package.packageThrottles { parts.append("package throttled \(count) times") }
            if let count = package.coreThrottles { parts.append("cores throttled \(count) times") }
            let corrected = cpu.machineChecks.count(package: package.id, uncorrected: false)
            let uncorrected = cpu.machineChecks.count(package: package.id, uncorrected: true)
            var text = parts.joined(separator: ", ") + " since boot"
            if corrected + uncorrected > 0 { text += " | machine checks: corrected \(corrected), uncorrected \(uncorrected) since the agent started" }
            details[CPUHealth.id(package.id)] = text
        }
        return details
    }
}
