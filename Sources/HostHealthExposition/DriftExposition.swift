internal import HostHealthModel
internal import HostHealthPolicy

/// Drift against the baseline in the scrape: which baseline, how many items of each kind are
/// declared and there, items by status, and one series per deviating item only, so a host
/// in sync adds a handful of series whatever its size. Nothing without a baseline.
enum DriftExposition {
    static func render(_ report: HealthReport, into writer: inout MetricsWriter) {
        guard let drift = report.drift, let baseline = report.baseline else { return }
        writer.family("hosthealth_baseline_info", .info, help: "The baseline drift is judged against (SHA-256 of its files); always 1.")
        writer.sample("hosthealth_baseline_info", ["sha256": baseline.sha256], 1)
        writer.family("hosthealth_components_expected", .gauge, help: "Items of a kind the baseline declares.")
        for (kind, count) in drift.expected.sorted(by: { $0.key < $1.key }) {
            writer.sample("hosthealth_components_expected", ["kind": kind.rawValue], Double(count))
        }
        writer.family("hosthealth_components_present", .gauge, help: "Declared items of a kind that are on the host (any drift status but missing and unknown).")
        for (kind, _) in drift.expected.sorted(by: { $0.key < $1.key }) {
            writer.sample("hosthealth_components_present", ["kind": kind.rawValue], Double(drift.present[kind] ?? 0))
        }
        writer.family("hosthealth_drift_items", .gauge, help: "Items by kind and drift status (in_sync, converging, changed, missing, unexpected, replaced, moved, unknown).")
        var counts: [DriftKind: [DriftStatus: Int]] = [:]
        for item in drift.items { counts[item.kind, default: [:]][item.status, default: 0] += 1 }
        for kind in counts.keys.sorted() {
            for status in DriftStatus.allCases {
                writer.sample("hosthealth_drift_items", ["kind": kind.rawValue, "status": status.rawValue], Double(counts[kind]?[status] ?? 0))
            }
        }
        let deviating = drift.items.filter(\.deviates)
        guard !deviating.isEmpty else { return }
        writer.family("hosthealth_drift_item", .gauge, help: "1 for each item that deviates from the baseline, with its status and what it does upward (effect); absent for items in sync.")
        for item in deviating {
            writer.sample("hosthealth_drift_item", [
                "kind": item.kind.rawValue, "id": item.id, "status": item.status.rawValue,
                "effect": item.acceptedPending ? "accepted_pending" : item.effect?.rawValue ?? "none",
            ], 1)
        }
        let deadlines = deviating.filter { $0.deadline != nil && $0.status == .converging }
        guard !deadlines.isEmpty else { return }
        writer.family("hosthealth_drift_deadline_timestamp_seconds", .gauge, help: "Until when a converging replacement is tolerated, in Unix seconds.")
        for item in deadlines {
            writer.sample("hosthealth_drift_deadline_timestamp_seconds", ["kind": item.kind.rawValue, "id": item.id],
                          report.wallTime(item.deadline!).secondsSinceEpoch.rounded(.down))
        }
    }
}
