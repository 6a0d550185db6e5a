/// The readers `--collector.NAME` and `--no-collector.NAME` turn on and off. A domain reader
/// adds its case here; the flags and `--help` follow from this list.
public enum Collector: String, Sendable, CaseIterable, Comparable {
    case links
    case arrays

    /// What the collector reads, for `--help`.
    var help: String {
        switch self {
        case .links: "Network links over rtnetlink: state, carrier, speed, counters."
        case .arrays: "md RAID arrays from sysfs, woken by udev: state, members, rebuild progress."
        }
    }

    public static func < (lhs: Collector, rhs: Collector) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
