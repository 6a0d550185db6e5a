package import HostHealthModel
internal import HostHealthConfig

/// Judges one SMART report. The choices, in the words of DESIGN §1:
/// - **failed** (the disk is failing): overall status FAILED (`smart_status.passed` false or
///   exit bit 3); NVMe critical warning bits 2 (reliability degraded), 3 (media read-only) or
///   4 (volatile backup failed).
/// - **degraded** (pre-failure, drain): prefail attributes at threshold (exit bit 4 or an
///   attribute failing `now`); ATA 5/187/188/197/198 raw > 0; NVMe warning bits 0 (spare),
///   1 (temperature), 5 (PMR read-only); spare below its threshold; percentage used ≥ 100
///   (rated endurance spent); media errors > 0; SCSI grown defects > 0; self-test errors (bit 7).
/// - Error-log entries (bit 6) and attributes failed in the `past` (bit 5) are history: shown
///   in the metrics, not judged.
/// - **unknown**: output without any data from the disk (cannot open it, unknown type, bad
///   command line): a reason, never a crash.
package struct SmartHealth: Sendable, Equatable {
    package var state: HealthState
    package var reasons: [String]
    /// The counters whose rise is news (a new transition) even when the state stays the same:
    /// the watched ATA raw values, NVMe media errors, SCSI grown defects.
    package var counters: [String: Int64]

    package init(state: HealthState, reasons: [String], counters: [String: Int64] = [:]) {
        self.state = state
        self.reasons = reasons
        self.counters = counters
    }

    static let attributeNames: [Int: String] = [
        5: "reallocated sectors", 187: "reported uncorrectable", 188: "command timeouts",
        197: "pending sectors", 198: "offline uncorrectable",
    ]

    package init(_ report: SmartReport) {
        var state = HealthState.ok
        var reasons: [String] = []
        var counters: [String: Int64] = [:]
        func raise(_ to: HealthState, _ reason: String) {
            state = max(state, to)
            reasons.append(reason)
        }
        let exit = report.exitStatus ?? []
        if exit.contains(.commandLineError) || !report.hasDeviceData {
            self.init(state: .unknown, reasons: [report.noDataReason])
            return
        }
        if report.passed == false || exit.contains(.diskFailing) {
            raise(.failed, "SMART overall health: FAILED")
        }
        let failingNow = report.ataAttributes.filter { $0.prefailure && $0.whenFailed == "now" }
        if !failingNow.isEmpty {
            raise(.degraded, "prefail attribute at threshold: " + failingNow.map { "\($0.id) \($0.name)" }.joined(separator: ", "))
        } else if exit.contains(.prefailAtThreshold) {
            raise(.degraded, "prefail attributes at threshold")
        }
        for id in ATAAttribute.watched {
            guard let raw = report.attribute(id)?.raw else { continue }
            // 188 packs three 16-bit counters on some drives; the low word is the count.
            let count = id == 188 ? raw & 0xFFFF : raw & 0xFFFF_FFFF_FFFF
            counters["ata_\(id)"] = count
            if count > 0 { raise(.degraded, "\(Self.attributeNames[id] ?? "attribute \(id)") \(count)") }
        }
        if let nvme = report.nvme {
            let warning = nvme.criticalWarning
            if warning & 0b0001_1100 != 0 {
                var parts: [String] = []
                if warning & 0b0100 != 0 { parts.append("reliability degraded") }
                if warning & 0b1000 != 0 { parts.append("media read-only") }
                if warning & 0b1_0000 != 0 { parts.append("volatile memory backup failed") }
                raise(.failed, "NVMe critical warning: " + parts.joined(separator: ", "))
            }
            if warning & 0b10_0011 != 0 {
                var parts: [String] = []
                if warning & 0b1 != 0 { parts.append("spare below threshold") }
                if warning & 0b10 != 0 { parts.append("temperature") }
                if warning & 0b10_0000 != 0 { parts.append("persistent memory read-only") }
                raise(.degraded, "NVMe critical warning: " + parts.joined(separator: ", "))
            }
            if let spare = nvme.availableSpare, let threshold = nvme.availableSpareThreshold, spare < threshold, warning & 1 == 0 {
                raise(.degraded, "available spare \(spare)% below threshold \(threshold)%")
            }
            if let used = nvme.percentageUsed, used >= 100 {
                raise(.degraded, "rated endurance used up (\(used)%)")
            }
            if let media = nvme.mediaErrors {
                counters["nvme_media_errors"] = media
                if media > 0 { raise(.degraded, "media errors \(media)") }
            }
        }
        if let defects = report.grownDefects {
            counters["scsi_grown_defects"] = defects
            if defects > 0 { raise(.degraded, "grown defects \(defects)") }
        }
        if exit.contains(.selfTestErrors) {
            raise(.degraded, "self-test log has errors")
        }
        self.init(state: state, reasons: reasons, counters: counters)
    }

    /// The counters that went up from `previous` to `self`, as `name from → to`.
    package func rises(since previous: [String: Int64]) -> [String] {
        counters.keys.sorted().compactMap { key in
            guard let now = counters[key], let before = previous[key], now > before else { return nil }
            return "\(key.replacingOccurrences("_", " ")) rose from \(before) to \(now)"
        }
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: Character, _ replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
