/// Wall-clock time as seconds since the Unix epoch.
///
/// The core never reads a clock: callers pass `now` in, which is what makes hysteresis and
/// staleness testable to the second.
public struct Timestamp: Sendable, Hashable, Comparable, Codable {
    public var secondsSinceEpoch: Double

    public init(secondsSinceEpoch: Double) {
        self.secondsSinceEpoch = secondsSinceEpoch
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.secondsSinceEpoch < rhs.secondsSinceEpoch
    }

    public static func + (lhs: Timestamp, seconds: Double) -> Timestamp {
        Timestamp(secondsSinceEpoch: lhs.secondsSinceEpoch + seconds)
    }

    public static func - (lhs: Timestamp, rhs: Timestamp) -> Double {
        lhs.secondsSinceEpoch - rhs.secondsSinceEpoch
    }

    /// RFC 3339 in UTC with whole seconds, e.g. `2026-11-27T21:54:00Z`.
    public var rfc3339: String {
        let total = Int64(secondsSinceEpoch.rounded(.down))
        var days = total / 86_400
        var secondOfDay = total % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))Z"
    }
}
