/// Disk trouble counted from the kernel log since the agent started, by what the kernel named
/// (`sda1`, `ata3`, `nvme0`) and kind. Kept by subject so that a message seen before its disk
/// was enumerated is still attributed once it is.
package struct KernelDiskErrors: Sendable, Equatable {
    package var bySubject: [String: [DiskErrorKind: UInt64]]

    package init(bySubject: [String: [DiskErrorKind: UInt64]] = [:]) {
        self.bySubject = bySubject
    }

    /// Subjects kept apart. Names that keep coming (an iSCSI `H:C:T:L` whose host number
    /// grows at each re-login, `loopN`, `dm-N`) would otherwise grow memory and the series
    /// without bound; past this many, new ones are counted together as `other`.
    package static let maxSubjects = 256
    package static let otherSubject = "other"

    package mutating func count(_ trouble: DiskTrouble) {
        var subject = trouble.subject
        if bySubject[subject] == nil, bySubject.count >= Self.maxSubjects { subject = Self.otherSubject }
        bySubject[subject, default: [:]][trouble.kind, default: 0] += 1
    }

    /// The counts per disk name; what no current disk claims stays under its own subject,
    /// so nothing counted is ever dropped from the metrics.
    package func perDisk(_ disks: [String: Disk]?) -> [String: [DiskErrorKind: UInt64]] {
        let attribution = DiskAttribution(disks.map { Array($0.values) } ?? [])
        var result: [String: [DiskErrorKind: UInt64]] = [:]
        for (subject, kinds) in bySubject {
            let name = attribution.disk(for: subject) ?? subject
            for (kind, count) in kinds { result[name, default: [:]][kind, default: 0] += count }
        }
        return result
    }
}
