/// One batch from the PCIe reader: every PCI function as it is now, keyed by bus address. A
/// server has tens to a few hundred functions of a few small files each, so the whole set is
/// cheap and a removed device is simply absent.
package struct PCIeUpdate: Sendable, Equatable {
    package var devices: [String: PCIeDevice]
    /// What woke the reader: `start`, `overflow`, `uevent` or `poll`.
    package var cause: String
    package var events: Int
    package var durationSeconds: Double

    package init(devices: [String: PCIeDevice], cause: String, events: Int = 0, durationSeconds: Double = 0) {
        self.devices = devices
        self.cause = cause
        self.events = events
        self.durationSeconds = durationSeconds
    }
}
