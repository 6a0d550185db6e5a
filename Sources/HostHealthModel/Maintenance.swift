/// An operator's deliberate drain (`hostctl maintenance on`): the host is taken out of rotation
/// whatever its components say, e.g. while it is mutated in place. It survives agent restarts.
package struct Maintenance: Sendable, Equatable {
    /// What the operator gave with `--reason`.
    package var reason: String
    /// When it was switched on, in Unix time.
    package var since: Timestamp
    /// Who switched it on: a user name, or `uid N` when the name is unknown.
    package var by: String

    package init(reason: String, since: Timestamp, by: String) {
        self.reason = reason
        self.since = since
        self.by = by
    }

    /// The named events of the journal when maintenance starts and ends.
    package static let startEvent = "MaintenanceOn"
    package static let endEvent = "MaintenanceOff"
}
