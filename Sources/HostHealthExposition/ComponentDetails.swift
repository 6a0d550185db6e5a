package import HostHealthModel

/// The detail lines of `/status` and `hostctl status`, from every domain that has them: what
/// a component is, so an operator knows which part to pull. One line per domain here.
package enum ComponentDetails {
    package static func details(_ snapshot: HostSnapshot, now: Timestamp) -> [ComponentID: String] {
        var details = DiskSummary.details(snapshot, now: now)
        details.merge(MemorySummary.details(snapshot)) { first, _ in first }
        details.merge(CPUSummary.details(snapshot)) { first, _ in first }
        details.merge(PCIeExposition.details(snapshot)) { first, _ in first }
        return details
    }
}
