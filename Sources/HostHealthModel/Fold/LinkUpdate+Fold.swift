/// Links: a dump replaces them all, events apply on top, counters go to the link with that
/// ifindex. Renames are tracked by ifindex, so a renamed link does not linger under its old
/// name.
extension LinkUpdate: ReaderUpdate {
    package static var collector: Collector { .links }

    package func fold(into fold: inout SnapshotFold, status: inout ReaderStatus, at now: Timestamp) -> FoldChange {
        switch scope {
        case .all:
            fold.links.removeAll(keepingCapacity: true)
            fold.linkNames.removeAll(keepingCapacity: true)
            for case .link(let link) in messages {
                fold.links[link.name] = link
                fold.linkNames[link.index] = link.name
            }
            status.resyncs += 1
        case .changes:
            for message in messages {
                switch message {
                case .link(let link):
                    if let old = fold.linkNames[link.index], old != link.name {
                        fold.links[old] = nil
                    }
                    fold.linkNames[link.index] = link.name
                    fold.links[link.name] = link
                case .removed(let index, let name):
                    // By index: the name in the message may already be a new one's.
                    fold.links[fold.linkNames[index] ?? name] = nil
                    fold.linkNames[index] = nil
                case .statistics:
                    break
                }
            }
        case .statistics:
            for case .statistics(let index, let statistics) in messages {
                if let name = fold.linkNames[index] { fold.links[name]?.statistics = statistics }
            }
        }
        status.events += UInt64(events)
        for (reason, count) in skipped { status.skipped[reason, default: 0] += count }
        if skipped["dump_failed"] != nil {
            status.errors += 1
        } else if scope == .all || events > 0 {
            status.lastSuccess = now
            status.lastError = nil
        }
        // A scrape's counters refresh judges nothing and leaves the cached state as it is.
        if scope == .statistics { return .counters }
        if let durationSeconds { status.lastDurationSeconds = durationSeconds }
        return .data
    }
}
