import DiskReader
import HostHealthModel
import HostHealthPolicy

/// `smartctl --json` output as the disk reader gets it from the child's stdout, then the SMART
/// verdict on what it read.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let report = try? SmartReport(json: UnsafeBufferPointer(start: data, count: size)) else { return 0 }
    let health = SmartHealth(report)
    precondition(health.state == .ok || !health.reasons.isEmpty, "a verdict other than ok must say why")
    return 0
}
