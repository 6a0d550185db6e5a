/// One smartctl run for one disk, as the SMART runner hands it to the fold.
package struct SmartUpdate: Sendable, Equatable {
    /// The disk's kernel name.
    package var disk: String
    package var attempt: SmartAttempt
    /// Wall time the run took, timeout included.
    package var durationSeconds: Double

    package init(disk: String, attempt: SmartAttempt, durationSeconds: Double) {
        self.disk = disk
        self.attempt = attempt
        self.durationSeconds = durationSeconds
    }
}
