/// The kinds of disk trouble the kernel log reports, as counted per disk.
package enum DiskErrorKind: String, Sendable, CaseIterable, Comparable {
    /// A request failed (`I/O error, dev sda, sector …`, `rejecting I/O to offline device`).
    case ioError = "io_error"
    /// The medium could not be read or written (`critical medium error`, `Sense Key : Medium Error`).
    case mediumError = "medium_error"
    /// A command timed out (SCSI, ATA `(timeout)`, NVMe `I/O … timeout`).
    case timeout
    /// A link or controller was reset (`ata1: hard resetting link`, `nvme nvme0: resetting controller`).
    case reset
    /// The page cache could not read or write a block (`Buffer I/O error on dev sda1`).
    case bufferIOError = "buffer_io_error"
    /// A filesystem gave up and went read-only or shut down.
    case filesystemReadOnly = "filesystem_read_only"

    package static func < (lhs: DiskErrorKind, rhs: DiskErrorKind) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One kernel message recognised as disk trouble, and what it names: a block device (`sda`,
/// `sda1`, `nvme0n1`), an ATA port (`ata1`), an NVMe controller (`nvme0`) or a SCSI address
/// (`0:0:0:0`). `attribute(to:)` finds the disk behind it.
package struct DiskTrouble: Sendable, Equatable {
    package var kind: DiskErrorKind
    package var subject: String

    package init(kind: DiskErrorKind, subject: String) {
        self.kind = kind
        self.subject = subject
    }

    /// The name of the disk this trouble belongs to: the disk itself, the disk of a partition
    /// (`sda1`, `nvme0n1p2`, `mmcblk0p1`), or the disk behind a port, controller or SCSI
    /// address that appears in its sysfs path. nil when no current disk matches.
    package func attribute(to disks: some Collection<Disk>) -> String? {
        if let disk = disks.first(where: { $0.name == subject }) { return disk.name }
        for disk in disks where subject.hasPrefix(disk.name) {
            var rest = subject.dropFirst(disk.name.count)
            if rest.first == "p", disk.name.last?.isNumber == true { rest = rest.dropFirst() }
            if !rest.isEmpty, rest.allSatisfy(\.isNumber) { return disk.name }
        }
        for disk in disks {
            guard let path = disk.identity.sysfsPath else { continue }
            if path.split(separator: "/").contains(where: { $0 == subject }) { return disk.name }
        }
        // NVMe multipath puts namespaces under a virtual subsystem: nvme0 → nvme0n*.
        if subject.hasPrefix("nvme") {
            return disks.map(\.name).sorted().first { $0.hasPrefix(subject + "n") && $0.dropFirst(subject.count + 1).allSatisfy(\.isNumber) }
        }
        return nil
    }
}
