/// The raw text of one array's `md/` folder, as read: the input of `MDArrayParser`, so that the
/// parsing is tested without files.
struct MDAttributes: Sendable, Equatable {
    var name: String
    /// Array attributes by file name (`array_state`, `sync_completed`, …).
    var values: [String: SysfsFiles.Value]
    /// Member attributes (`state`, `errors`, `slot`) by member name (`sdc1` for `dev-sdc1`).
    var members: [String: [String: SysfsFiles.Value]]
    /// Slot numbers from the `rdN` links, by member name.
    var roles: [String: Int]

    init(
        name: String, values: [String: SysfsFiles.Value] = [:],
        members: [String: [String: SysfsFiles.Value]] = [:], roles: [String: Int] = [:]
    ) {
        self.name = name
        self.values = values
        self.members = members
        self.roles = roles
    }
}
