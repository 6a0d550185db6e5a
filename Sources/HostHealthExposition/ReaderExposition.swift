internal import HostHealthModel
internal import HostHealthPolicy
internal import HostHealthConfig

/// The agent's own health per reader: is each source being read, and how fresh is it.
enum ReaderExposition {
    static func render(_ readers: [ReaderStatus], into writer: inout MetricsWriter, now: Timestamp, wallClockOffset: Double) {
        let sorted = readers.sorted { $0.name < $1.name }
        writer.family("hosthealth_reader_last_success_timestamp_seconds", .gauge, help: "When the reader last read its source successfully, in Unix seconds (0: never).")
        for reader in sorted {
            writer.sample("hosthealth_reader_last_success_timestamp_seconds", ["reader": reader.name], reader.lastSuccess.map { $0.secondsSinceEpoch + wallClockOffset } ?? 0)
        }
        writer.family("hosthealth_reader_age_seconds", .gauge, help: "Seconds since the reader's last successful read (+Inf: never).")
        for reader in sorted {
            writer.sample("hosthealth_reader_age_seconds", ["reader": reader.name], reader.age(at: now) ?? .infinity)
        }
        writer.family("hosthealth_reader_duration_seconds", .gauge, help: "How long the reader's last full read took.")
        for reader in sorted {
            writer.sample("hosthealth_reader_duration_seconds", ["reader": reader.name], reader.lastDurationSeconds ?? 0)
        }
        writer.family("hosthealth_reader_available", .gauge, help: "Whether the reader's source exists on this host (0: e.g. smartctl not installed; not an error).")
        for reader in sorted {
            writer.sample("hosthealth_reader_available", ["reader": reader.name], reader.unavailable == nil ? 1 : 0)
        }
        writer.family("hosthealth_reader_errors_total", .counter, help: "Reads that failed.")
        for reader in sorted {
            writer.sample("hosthealth_reader_errors_total", ["reader": reader.name], Double(reader.errors))
        }
        writer.family("hosthealth_reader_events_total", .counter, help: "Kernel events the reader received.")
        for reader in sorted {
            writer.sample("hosthealth_reader_events_total", ["reader": reader.name], Double(reader.events))
        }
        writer.family("hosthealth_reader_resyncs_total", .counter, help: "Full re-reads: at start, periodic, and after lost events.")
        for reader in sorted {
            writer.sample("hosthealth_reader_resyncs_total", ["reader": reader.name], Double(reader.resyncs))
        }
        writer.family("hosthealth_reader_skipped_total", .counter, help: "Input the reader skipped because it could not use it, by reason.")
        for reader in sorted {
            for (reason, count) in reader.skipped.sorted(by: { $0.key < $1.key }) {
                writer.sample("hosthealth_reader_skipped_total", ["reader": reader.name, "reason": reason], Double(count))
            }
        }
    }
}
