import DiskReader
import HostHealthModel

/// One `read(2)` of `/dev/kmsg` (`prio,seq,usec,flags;message` and ` KEY=value` lines), the
/// disk trouble recognised in it and the disk it is attributed to.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let record = KernelLogRecord(UnsafeBufferPointer(start: data, count: size)) else { return 0 }
    precondition(record.level <= 7)
    guard let trouble = DiskTrouble.recognise(record.message) else { return 0 }
    _ = trouble.attribute(to: disks)
    return 0
}

let disks = [
    Disk(name: "sda", identity: DiskIdentity(sysfsPath: "pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0")),
    Disk(name: "nvme0n1", identity: DiskIdentity()),
]
