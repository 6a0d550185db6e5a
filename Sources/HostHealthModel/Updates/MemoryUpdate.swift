/// One read of the EDAC tree, or why there was none.
package struct MemoryUpdate: Sendable, Equatable {
    /// nil when the tree could not be read at all.
    package var controllers: [MemoryController]?
    package var error: String?
    /// Why there is no EDAC tree on this host (a VM, no EDAC driver): a fact, not an error.
    package var unavailable: String?
    /// Attributes that were there but did not read as what the kernel writes, by reason.
    package var skipped: [String: UInt64]
    package var durationSeconds: Double

    package init(
        controllers: [MemoryController]?, error: String? = nil, unavailable: String? = nil, skipped: [String: UInt64] = [:],
        durationSeconds: Double = 0
    ) {
        self.controllers = controllers
        self.error = error
        self.unavailable = unavailable
        self.skipped = skipped
        self.durationSeconds = durationSeconds
    }
}
