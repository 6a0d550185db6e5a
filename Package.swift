// swift-tools-version:6.1
import PackageDescription

/// Every Swift target gets the same strictness: a file's `public import` says exactly which
/// dependency leaks into its API, and existentials are spelled out.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "hosthealth",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hosthealthd", targets: ["hosthealthd"]),
        .executable(name: "hostctl", targets: ["hostctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // Thin system-library modules, one per C library.
        .systemLibrary(name: "CMnl", pkgConfig: "libmnl", providers: [.apt(["libmnl-dev"])]),
        .systemLibrary(name: "CUdev", pkgConfig: "libudev", providers: [.apt(["libudev-dev"])]),
        // libsensors-dev ships no .pc file: the module map links it.
        .systemLibrary(name: "CSensors", providers: [.apt(["libsensors-dev"])]),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        // libxcrypt (libcrypt1, on every Debian host): bcrypt for basic_auth_users.
        .systemLibrary(name: "CCrypt", pkgConfig: "libxcrypt", providers: [.apt(["libcrypt-dev"])]),
        // Macros and variadic/awkward C calls as plain prefixed functions, one module per
        // concern: libmnl's for the link reader alone, libc's for everyone else.
        .target(name: "CNetlinkShims", dependencies: ["CMnl"]),
        .target(name: "CSystemShims"),
        // What every module below the agent shares about the system: errno, the clocks and
        // reading a file whole; no dependency but Glibc.
        .target(name: "HostSystem", swiftSettings: swiftSettings),

        // The pipeline's pure middle, no I/O: the snapshot model (value types, no dependencies),
        // the configuration (the only user of YAML), the health policy and the exposition.
        .target(name: "HostHealthModel", swiftSettings: swiftSettings),
        .target(name: "HostHealthConfig", dependencies: ["HostHealthModel", "YAML", "HostSystem"], swiftSettings: swiftSettings),
        .target(name: "HostHealthPolicy", dependencies: ["HostHealthModel", "HostHealthConfig"], swiftSettings: swiftSettings),
        .target(
            name: "HostHealthExposition", dependencies: ["HostHealthModel", "HostHealthPolicy", "HostHealthConfig"],
            swiftSettings: swiftSettings
        ),
        // libyaml as a tree of Swift values that remember their line.
        .target(name: "YAML", dependencies: ["CYAML"], swiftSettings: swiftSettings),
        // libudev as Swift values, confined to the one thread that enumerates and listens.
        .target(name: "Udev", dependencies: ["CUdev", "CSystemShims", "HostSystem"], swiftSettings: swiftSettings),
        // Programs run with a deadline and killed with their whole group: smartctl and hooks.
        .target(name: "Spawn", dependencies: ["CSystemShims", "HostSystem"], swiftSettings: swiftSettings),
        // Reader: network links over rtnetlink.
        .target(
            name: "LinkReader",
            dependencies: ["HostHealthModel", "HostSystem", "CMnl", "CNetlinkShims", "CSystemShims"],
            swiftSettings: swiftSettings
        ),
        // Reader: md RAID arrays from sysfs.
        .target(name: "MDReader", dependencies: ["HostHealthModel", "HostSystem", "Udev"], swiftSettings: swiftSettings),
        // Reader: PCIe functions from sysfs, woken by udev: link training and AER counters.
        .target(name: "PCIeReader", dependencies: ["HostHealthModel", "HostSystem", "Udev"], swiftSettings: swiftSettings),
        // Reader: the kernel log (/dev/kmsg), one reader for every domain: each record goes
        // through the domains' parsers (Sources/KernelLogReader/Parsers/, one file each).
        .target(
            name: "KernelLogReader", dependencies: ["HostHealthModel", "HostSystem", "CSystemShims"],
            swiftSettings: swiftSettings
        ),
        // Reader: whole disks through udev and sysfs; SMART through smartctl.
        .target(
            name: "DiskReader",
            dependencies: ["HostHealthModel", "HostSystem", "Udev", "CSystemShims", "Spawn"],
            swiftSettings: swiftSettings
        ),
        // Reader: memory errors from EDAC sysfs (their kernel-log lines are KernelLogReader's).
        .target(name: "MemoryReader", dependencies: ["HostHealthModel", "HostSystem"], swiftSettings: swiftSettings),
        // Reader: CPU packages and their thermal throttle counters from sysfs (machine checks
        // are KernelLogReader's).
        .target(name: "CPUReader", dependencies: ["HostHealthModel", "HostSystem"], swiftSettings: swiftSettings),
        // Reader: hardware sensors through libsensors, honouring sensors.conf.
        .target(
            name: "SensorReader",
            dependencies: ["HostHealthModel", "HostSystem", "CSensors"],
            swiftSettings: swiftSettings
        ),
        // The agent: engine, HTTP and control servers, agent-check, sd_notify, config loading.
        // The readers wired as the configuration says: once in-process for `hostctl --direct`,
        // and the reader settings the agent derives from the file. No NIO: hostctl links it.
        .target(
            name: "HostHealthCollection",
            dependencies: [
                "HostHealthModel", "HostHealthConfig", "HostHealthPolicy", "HostHealthExposition", "HostSystem",
                "LinkReader", "MDReader", "DiskReader", "SensorReader", "PCIeReader", "MemoryReader", "CPUReader",
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HostHealthAgent",
            dependencies: [
                "HostHealthModel", "HostHealthConfig", "HostHealthPolicy", "HostHealthExposition", "HostHealthCollection", "LinkReader", "MDReader", "HostSystem", "CSystemShims", "CCrypt", "DiskReader", "KernelLogReader", "SensorReader", "PCIeReader", "MemoryReader", "CPUReader", "Udev", "Spawn",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "hosthealthd",
            dependencies: [
                "HostHealthAgent", "HostSystem", "HostHealthModel", "HostHealthConfig",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "hostctl",
            dependencies: [
                // Not HostHealthAgent: a control client needs neither NIO, TLS nor the engine.
                "HostHealthCollection", "HostHealthModel", "HostHealthConfig", "HostHealthPolicy", "HostHealthExposition", "HostSystem",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // Shared builders for the pure modules' tests; not shipped.
        .target(
            name: "TestFixtures", dependencies: ["HostHealthModel", "HostHealthConfig", "HostHealthPolicy"], path: "Tests/Fixtures",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "HostHealthModelTests", dependencies: ["HostHealthModel", "TestFixtures"], swiftSettings: swiftSettings),
        .testTarget(name: "HostHealthConfigTests", dependencies: ["HostHealthConfig", "HostHealthModel", "YAML", "HostSystem", "TestFixtures"], swiftSettings: swiftSettings),
        .testTarget(
            name: "HostHealthPolicyTests",
            // Maintenance is judged by the policy and shown by the outputs: its tests read both.
            dependencies: ["HostHealthPolicy", "HostHealthConfig", "HostHealthModel", "HostHealthExposition", "TestFixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HostHealthExpositionTests",
            dependencies: ["HostHealthExposition", "HostHealthPolicy", "HostHealthConfig", "HostHealthModel", "TestFixtures", "hostctl"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "HostctlTests", dependencies: ["hostctl", "HostHealthExposition", "HostHealthModel"], swiftSettings: swiftSettings),
        .testTarget(name: "HostSystemTests", dependencies: ["HostSystem"], swiftSettings: swiftSettings),
        .testTarget(name: "SystemLibraryTests", dependencies: ["CUdev", "CSensors"], swiftSettings: swiftSettings),
        // Run by UdevTests under a umockdev testbed; not shipped.
        .executableTarget(name: "udev-probe", dependencies: ["Udev"], path: "Tests/Tools/UdevProbe", swiftSettings: swiftSettings),
        .testTarget(name: "FuzzTests", dependencies: ["DiskReader", "KernelLogReader", "PCIeReader", "HostHealthModel", "HostHealthConfig", "HostHealthPolicy", "HostHealthExposition", "LinkReader", "MDReader"], swiftSettings: swiftSettings),
        .testTarget(name: "UdevTests", dependencies: ["Udev"], exclude: ["watch-under-umockdev.py"], swiftSettings: swiftSettings),
        .testTarget(name: "DiskReaderTests", dependencies: ["DiskReader", "HostSystem", "HostHealthModel", "HostHealthPolicy", "Udev", "TestFixtures"], exclude: ["testbeds", "hotplug-under-umockdev.py"], swiftSettings: swiftSettings),
        .testTarget(name: "KernelLogReaderTests", dependencies: ["KernelLogReader", "HostSystem", "HostHealthModel"], swiftSettings: swiftSettings),
        .testTarget(
            name: "MemoryReaderTests", dependencies: ["MemoryReader", "CPUReader", "HostHealthModel", "HostHealthConfig", "HostHealthPolicy", "HostHealthExposition"],
            swiftSettings: swiftSettings),
        // Run by DiskReaderTests under umockdev testbeds; not shipped.
        .executableTarget(name: "disk-probe", dependencies: ["DiskReader", "HostHealthModel", "HostHealthConfig", "HostHealthPolicy", "HostHealthExposition"], path: "Tests/Tools/DiskProbe", swiftSettings: swiftSettings),
        .testTarget(name: "LinkReaderTests", dependencies: ["LinkReader", "HostSystem", "HostHealthModel", "HostHealthConfig", "HostHealthPolicy", "HostHealthExposition"], swiftSettings: swiftSettings),
        .testTarget(name: "PCIeReaderTests", dependencies: ["PCIeReader", "HostHealthModel", "HostSystem", "Udev"], swiftSettings: swiftSettings),
        .testTarget(name: "MDReaderTests", dependencies: ["MDReader", "HostHealthModel", "HostHealthConfig", "HostHealthPolicy", "HostHealthExposition", "Udev"], swiftSettings: swiftSettings),
        // Run by SensorReaderTests under a umockdev testbed (a test process cannot load the
        // umockdev preload into itself); not shipped.
        .executableTarget(
            name: "sensor-probe", dependencies: ["SensorReader", "HostHealthModel", "HostHealthConfig", "HostHealthPolicy", "HostHealthExposition", "CSensors"], path: "Tests/Tools/SensorProbe",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SensorReaderTests", dependencies: ["SensorReader", "HostSystem", "HostHealthModel", "HostHealthConfig", "HostHealthPolicy", "HostHealthExposition"], exclude: ["hotplug-under-umockdev.py", "judge-captures.py"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HostHealthAgentTests",
            dependencies: [
                "HostHealthAgent", "HostHealthModel", "HostHealthConfig", "HostHealthPolicy", "HostHealthExposition", "LinkReader", "DiskReader", "KernelLogReader", "SensorReader", "Spawn", "HostSystem",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
