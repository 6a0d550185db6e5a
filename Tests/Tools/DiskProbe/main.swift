import DiskReader
import HostHealthModel

// Prints the disks the disk reader sees at start, one line each, then exits: run under
// `umockdev-run -d TESTBED` by DiskReaderTests. Fields are tab-separated `key=value`.
// With `--updates N`: one line per update (`cause<TAB>disk,disk…`) for N updates instead.
import Glibc

let collector = DiskCollector(refreshIntervalSeconds: 60)
var updatesLeft = CommandLine.arguments.count == 3 && CommandLine.arguments[1] == "--updates" ? Int(CommandLine.arguments[2]) : nil
do {
    try collector.run { update in
        if let left = updatesLeft {
            print("\(update.cause)\t\(update.disks.keys.sorted().joined(separator: ","))")
            fflush(nil)
            updatesLeft = left - 1
            if left <= 1 { collector.stop() }
            return
        }
        for name in update.disks.keys.sorted() {
            guard let disk = update.disks[name] else { continue }
            let identity = disk.identity
            let fields: [(String, String?)] = [
                ("name", disk.name), ("key", identity.key(fallbackName: disk.name)), ("model", identity.model),
                ("serial", identity.serial), ("wwn", identity.wwn), ("firmware", identity.firmware),
                ("transport", identity.transport.rawValue), ("size", identity.sizeBytes.map(String.init)),
                ("rotational", identity.rotational.map(String.init)), ("removable", identity.removable.map(String.init)),
                ("by_path", identity.byPath), ("by_id", identity.byID.isEmpty ? nil : identity.byID.joined(separator: ",")),
                ("state", disk.deviceState), ("ioerr", disk.ioErrorCount.map(String.init)),
                ("iotmo", disk.ioTimeoutCount.map(String.init)),
                ("read_bytes", disk.counters.map { String($0.readBytes) }),
                ("written_bytes", disk.counters.map { String($0.writtenBytes) }),
            ]
            print(fields.compactMap { key, value in value.map { "\(key)=\($0)" } }.joined(separator: "\t"))
        }
        collector.stop()
    }
} catch {
    print("error\t\(error)")
}
