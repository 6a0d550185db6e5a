internal import Glibc
internal import HostSystem

/// Gives back the agent's code pages (its binary's and its libraries') once start-up is over,
/// so resident memory counts what the agent keeps running, not everything it ran once.
///
/// Why: a fault on a file page maps its cached neighbours with it (fault-around: 64 KiB, and on
/// kernels with large page-cache folios the whole folio, up to 2 MiB; exec read-around fills
/// the cache in such folios). The dynamic loader walks `.rela.dyn` and the symbol tables, and
/// start-up runs the config and YAML parsers and the first enumerations, so at READY about
/// 13 MB of the binary is mapped, while a scrape uses about 4 MB of it. Dropping the page-table
/// entries of these read-only mappings frees nothing the agent needs: the pages stay in the
/// page cache, and the code the agent runs again comes back through minor faults (a few dozen
/// to hundreds, mostly on the first scrape; its latency did not move in `bench/scrape-bench`).
///
/// Only mappings without private (copy-on-write) pages are released: `MADV_DONTNEED` on a
/// private mapping throws its written pages away, which for relocated RELRO data would be a
/// crash, so such a mapping (`Anonymous` above 0 in smaps) is left alone. The one hazard left
/// is a mapping unmapped, and its addresses reused, between reading smaps and the `madvise`:
/// the agent unloads no shared objects (glibc keeps its NSS modules loaded), and the first
/// release runs before the agent starts its own threads (event loops, thread pools).
enum StartupPages {
    /// One file mapping, as `/proc/self/smaps` describes it.
    struct Mapping: Equatable {
        var start: UInt
        var end: UInt
        var permissions: String
        var path: String
        var residentKB: Int
        var anonymousKB: Int

        var executable: Bool { permissions.contains("x") }
        /// Read-only, private, and never written: its pages are the file's, so dropping them
        /// loses nothing.
        var clean: Bool { !permissions.contains("w") && permissions.contains("p") && anonymousKB == 0 && end > start }
    }

    /// What a release dropped: mappings and resident kB before the drop.
    struct Released: Equatable {
        var mappings = 0
        var residentKB = 0
    }

    /// The mappings in `smaps` text that can be released: the clean mappings of the program and
    /// its shared libraries (files with an executable mapping). Mapped data files (the udev
    /// hwdb) are left alone: one truncated while mapped would turn a refault into SIGBUS.
    static func releasable(smaps: String) -> [Mapping] {
        var all: [Mapping] = []
        var current: Mapping?
        for line in smaps.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let first = fields.first else { continue }
            if first.hasSuffix(":") {
                guard current != nil, fields.count >= 2, let value = Int(fields[1]) else { continue }
                if first == "Rss:" { current?.residentKB = value }
                if first == "Anonymous:" { current?.anonymousKB = value }
                continue
            }
            if let mapping = current { all.append(mapping) }
            current = nil
            // start-end perms offset dev inode path
            guard fields.count >= 6, fields[5].hasPrefix("/") else { continue }
            let range = first.split(separator: "-")
            guard range.count == 2, let start = UInt(range[0], radix: 16), let end = UInt(range[1], radix: 16) else { continue }
            current = Mapping(
                start: start, end: end, permissions: String(fields[1]), path: fields[5...].joined(separator: " "),
                residentKB: 0, anonymousKB: 0)
        }
        if let mapping = current { all.append(mapping) }
        var programs = Set<String>()
        for mapping in all where mapping.executable { programs.insert(mapping.path) }
        return all.filter { $0.clean && programs.contains($0.path) }
    }

    /// Releases the clean mappings of the program and its libraries in this process. Returns
    /// nil when `/proc/self/smaps` cannot be read (nothing is released then).
    static func release() -> Released? {
        guard case .success(let bytes) = FileContents.read("/proc/self/smaps", limit: 16 * 1024 * 1024) else { return nil }
        var released = Released()
        for mapping in releasable(smaps: String(decoding: bytes, as: UTF8.self)) {
            guard let address = UnsafeMutableRawPointer(bitPattern: mapping.start),
                  madvise(address, Int(mapping.end - mapping.start), MADV_DONTNEED) == 0
            else { continue }
            released.mappings += 1
            released.residentKB += mapping.residentKB
        }
        return released
    }
}
