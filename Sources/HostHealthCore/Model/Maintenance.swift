/// An operator's deliberate drain (`hostctl maintenance on`): the host is taken out of rotation
/// whatever its components say, e.g. while it is mutated in place. It survives agent restarts.
public struct Maintenance: Sendable, Equatable {
    /// What the operator gave with `--reason`.
    public var reason: String
    /// When it was switched on, in Unix time.
    public var since: Timestamp
    /// Who switched it on: a user name, or `uid N` when the name is unknown.
    public var by: String

    public init(reason: String, since: Timestamp, by: String) {
        self.reason = reason
        self.since = since
        self.by = by
    }

    /// The named events of the journal when maintenance starts and ends.
    public static let startEvent = "MaintenanceOn"
    public static let endEvent = "MaintenanceOff"
}
