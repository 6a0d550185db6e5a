internal import HostHealthModel

/// `disks:` — how disks are read and judged.
package struct DiskConfig: Sendable, Equatable {
    /// I/O counters and device state are re-read this often (udev events come at once).
    package var refreshIntervalSeconds: Double
    /// A better state is taken only after it has held this long.
    package var recoverAfterSeconds: Double
    /// Disk verdicts become stale when the reader has had no good read for this long.
    package var staleAfterSeconds: Double

    package init(refreshIntervalSeconds: Double = 15, recoverAfterSeconds: Double = 60, staleAfterSeconds: Double = 120) {
        self.refreshIntervalSeconds = refreshIntervalSeconds
        self.recoverAfterSeconds = recoverAfterSeconds
        self.staleAfterSeconds = staleAfterSeconds
    }
}

/// `smart:` — how smartctl is run. It runs in the background, never inside a scrape.
package struct SmartConfig: Sendable, Equatable {
    package var smartctl: String
    package var intervalSeconds: Double
    /// Each call is killed when it runs longer than this.
    package var timeoutSeconds: Double
    /// At most this many smartctl processes at once.
    package var concurrency: Int

    package init(smartctl: String = "/usr/sbin/smartctl", intervalSeconds: Double = 1800, timeoutSeconds: Double = 30, concurrency: Int = 2) {
        self.smartctl = smartctl
        self.intervalSeconds = intervalSeconds
        self.timeoutSeconds = timeoutSeconds
        self.concurrency = concurrency
    }

    /// SMART data older than this is stale: two missed runs.
    package var staleAfterSeconds: Double { 2 * intervalSeconds + timeoutSeconds }
}

/// `kmsg:` — how kernel-log disk errors are judged.
package struct KernelLogConfig: Sendable, Equatable {
    /// More errors than this on one disk within `window` make it degraded.
    package var burstMaxErrors: Int
    package var burstWindowSeconds: Double

    package init(burstMaxErrors: Int = 10, burstWindowSeconds: Double = 300) {
        self.burstMaxErrors = burstMaxErrors
        self.burstWindowSeconds = burstWindowSeconds
    }
}
