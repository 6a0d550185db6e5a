internal import HostHealthModel
internal import HostHealthPolicy
internal import HostHealthConfig

/// The two formats a Prometheus scrape may ask for.
package enum ExpositionFormat: Sendable, Hashable {
    /// Prometheus text format 0.0.4, the default.
    case text
    /// OpenMetrics 1.0.0: counters are declared without `_total`, info families have their
    /// own type, and the body ends with `# EOF`.
    case openMetrics

    package var contentType: String {
        switch self {
        case .text: "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }

    /// Picks OpenMetrics only when the scraper's `Accept` header names it with a weight above
    /// zero.
    package init(accept: String?) {
        self = .text
        for range in (accept ?? "").split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingPrefix(" ") }
            guard parts.first?.hasPrefix("application/openmetrics-text") == true else { continue }
            let weight = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if weight > 0 {
                self = .openMetrics
                return
            }
        }
    }
}

/// The kinds of metric family the agent exposes.
package enum MetricType: Sendable {
    case gauge
    case counter
    /// Identity labels on a constant 1; a gauge in text format 0.0.4.
    case info
}
