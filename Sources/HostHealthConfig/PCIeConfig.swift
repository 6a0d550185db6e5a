internal import HostHealthModel

/// `pcie:` — how PCIe devices are read and judged. Each default says where it comes from.
package struct PCIeConfig: Sendable, Equatable {
    /// AER counters and link state are re-read this often (10s, the issue's "cheap sysfs
    /// poll"): a few small files per device; udev add/remove and kernel-log AER lines come at once.
    package var pollIntervalSeconds: Double
    /// Verdicts become stale when the reader has had no good read for this long (3m, as the
    /// other sysfs readers; at least three polls).
    package var staleAfterSeconds: Double
    /// A better state is taken only after it has held this long (30s, as arrays).
    package var recoverAfterSeconds: Double
    /// Correctable errors allowed within `correctableWindow` before the device is degraded;
    /// nil: what the PCIe Base Specification's bit error rate (10^-12 per lane) allows the link
    /// at its trained rate and width within the window (see `PCIeHealth`).
    package var correctableMax: Double?
    /// The correctable-error rate is judged over this window (1h).
    package var correctableWindowSeconds: Double
    /// A rise in non-fatal uncorrectable errors keeps the device degraded this long (1h, as
    /// `arrays.errors_window` for a member whose error count rose).
    package var nonFatalHoldSeconds: Double
    /// A link below its capability must stay so this long before it degrades the device (30s:
    /// a driver reset or a hot-plug retrains the link through lower rates for a moment).
    package var linkForSeconds: Double
    /// Whether link training is judged at all (`false`: links are shown, never judged).
    package var linkTraining: Bool
    /// Device names; a missing file leaves class names and `[vendor:device]`.
    package var pciIDsPath: String

    package init(
        pollIntervalSeconds: Double = 10, staleAfterSeconds: Double = 180, recoverAfterSeconds: Double = 30,
        correctableMax: Double? = nil, correctableWindowSeconds: Double = 3600, nonFatalHoldSeconds: Double = 3600,
        linkForSeconds: Double = 30, linkTraining: Bool = true, pciIDsPath: String = "/usr/share/misc/pci.ids"
    ) {
        self.pollIntervalSeconds = pollIntervalSeconds
        self.staleAfterSeconds = staleAfterSeconds
        self.recoverAfterSeconds = recoverAfterSeconds
        self.correctableMax = correctableMax
        self.correctableWindowSeconds = correctableWindowSeconds
        self.nonFatalHoldSeconds = nonFatalHoldSeconds
        self.linkForSeconds = linkForSeconds
        self.linkTraining = linkTraining
        self.pciIDsPath = pciIDsPath
    }
}
