import HostHealthModel
import TestFixtures

/// Small builders for the fold's tests: a fold with the collectors a case needs, at `t0`.
enum FoldFixtures {
    static let t0 = Fixture.t0

    static func fold(_ collectors: Collector...) -> SnapshotFold {
        SnapshotFold(collectors: Set(collectors))
    }

    static func dump(_ links: Link...) -> LinkUpdate {
        LinkUpdate(scope: .all, messages: links.map { .link($0) }, skipped: [:], events: 0, durationSeconds: 0.01, cause: "start")
    }

    static func changes(_ messages: LinkMessage...) -> LinkUpdate {
        LinkUpdate(scope: .changes, messages: messages, skipped: [:], events: messages.count)
    }

    static func disk(_ name: String) -> Disk {
        Disk(name: name, identity: DiskIdentity(model: "M", serial: "S-\(name)"), deviceState: "running")
    }

    static func sensor(_ celsius: Double) -> Sensor {
        Sensor(chip: "coretemp-isa-0000", chipPath: "/sys/class/hwmon/hwmon1", feature: "temp1", type: .temperature, input: celsius)
    }
}
