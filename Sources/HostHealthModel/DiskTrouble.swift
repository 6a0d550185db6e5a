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
        DiskAttribution(disks).disk(for: subject)
    }
}

/// `DiskTrouble.attribute(to:)` for many subjects against one set of disks, judged at every
/// evaluation (a storage server has ~100 disks and the kernel log up to
/// `KernelDiskErrors.maxSubjects` subjects): a subject is looked for in the bytes of each
/// disk's sysfs path, not by splitting every path into strings again for every subject.
package struct DiskAttribution: Sendable {
    private let disks: [Disk]
    private let names: Set<String>
    /// Each disk's sysfs path as bytes, in the disks' order.
    private let paths: [(disk: String, bytes: [UInt8])]

    package init(_ disks: some Collection<Disk>) {
        self.disks = Array(disks)
        names = Set(disks.map(\.name))
        paths = disks.compactMap { disk in disk.identity.sysfsPath.map { (disk.name, Array($0.utf8)) } }
    }

    package func disk(for subject: String) -> String? {
        if names.contains(subject) { return subject }
        for disk in disks where subject.hasPrefix(disk.name) {
            var rest = subject.dropFirst(disk.name.count)
            if rest.first == "p", disk.name.last?.isNumber == true { rest = rest.dropFirst() }
            if !rest.isEmpty, rest.allSatisfy(\.isNumber) { return disk.name }
        }
        // A port, controller or SCSI address: a whole component of the disk's sysfs path.
        if !subject.isEmpty, !subject.utf8.contains(UInt8(ascii: "/")) {
            let needle = Array(subject.utf8)
            for path in paths where Self.hasComponent(path.bytes, needle) { return path.disk }
        }
        // NVMe multipath puts namespaces under a virtual subsystem: nvme0 → nvme0n*.
        if subject.hasPrefix("nvme") {
            return disks.map(\.name).sorted().first { $0.hasPrefix(subject + "n") && $0.dropFirst(subject.count + 1).allSatisfy(\.isNumber) }
        }
        return nil
    }

    /// Whether `needle` is one of the `/`-separated components of `path`.
    static func hasComponent(_ path: [UInt8], _ needle: [UInt8]) -> Bool {
        let slash = UInt8(ascii: "/")
        var start = 0
        while start <= path.count {
            var end = start
            while end < path.count, path[end] != slash { end += 1 }
            if end - start == needle.count, path[start ..< end].elementsEqual(needle) { return true }
            start = end + 1
        }
        return false
    }
}
