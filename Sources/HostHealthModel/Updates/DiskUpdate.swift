/// One batch from the disk reader: every whole disk as it is now (a host has a few disks, so
/// the whole set is cheap and a vanished disk is simply absent).
package struct DiskUpdate: Sendable, Equatable {
    package var disks: [String: Disk]
    /// What woke the reader: `start`, `overflow`, `uevent` or `refresh`.
    package var cause: String
    package var events: Int
    package var durationSeconds: Double

    package init(disks: [String: Disk], cause: String, events: Int = 0, durationSeconds: Double = 0) {
        self.disks = disks
        self.cause = cause
        self.events = events
        self.durationSeconds = durationSeconds
    }
}
