public import HostHealthCore
internal import LinkReader
internal import MDReader

/// `hostctl --direct`: read every enabled source once, in this process, and judge once. No
/// history, so no hysteresis: what the host looks like right now.
public enum DirectCollection {
    public static func collect(config: AgentConfig, now: Timestamp = WallClock.now()) -> HealthReport {
        var links: [String: Link] = [:]
        var reader = ReaderStatus(name: "links")
        do {
            let update = try LinkCollector().dump(cause: "direct")
            for case .link(let link) in update.messages { links[link.name] = link }
            reader.lastSuccess = now
            reader.lastDurationSeconds = update.durationSeconds
            reader.skipped = update.skipped
        } catch {
            reader.errors = 1
            reader.lastError = "\(error)"
        }
        // A few small sysfs files per array: cheap enough to read in-process.
        let arrays = MDArrayReader().readAll()
        let arrayReader = ReaderStatus(name: "arrays", lastSuccess: now)
        let snapshot = HostSnapshot(links: links, arrays: arrays, readers: [reader, arrayReader])
        return HealthPolicy(config: config).evaluate(previous: HealthMemory(), snapshot: snapshot, now: now).report
    }
}
