import KernelLogReader
import HostHealthModel

/// One `read(2)` of `/dev/kmsg` (`prio,seq,usec,flags;message` and ` KEY=value` lines), what
/// every domain's parser recognises in it, and the disk disk trouble is attributed to.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let record = KernelLogRecord(UnsafeBufferPointer(start: data, count: size)) else { return 0 }
    precondition(record.level <= 7)
    guard let event = router.route(record) else { return 0 }
    if let trouble = event as? DiskTrouble { _ = trouble.attribute(to: disks) }
    return 0
}

/// Parsers keep state between records (a machine check's follow-up lines), as in the reader.
nonisolated(unsafe) var router = KernelLogRouter()

let disks = [
    Disk(name: "sda", identity: DiskIdentity(sysfsPath: "pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0")),
    Disk(name: "nvme0n1", identity: DiskIdentity()),
]
