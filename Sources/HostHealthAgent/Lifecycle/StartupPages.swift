internal import Glibc

/// Gives back the agent's own code pages once start-up is over, so resident memory counts what
/// the agent keeps running, not everything it ran once.
///
/// Why: a fault on a file page maps its cached neighbours with it (fault-around: 64 KiB, and on
/// kernels with large page-cache folios the whole folio, up to 2 MiB; exec read-around fills
/// the cache in such folios). The dynamic loader walks `.rela.dyn` and the symbol tables, and
/// start-up runs the config and YAML parsers and the first enumerations, so at READY about
/// 13 MB of the binary is mapped, while a scrape uses about 4 MB of it. Dropping the page-table
/// entries of the binary's read-only mappings frees nothing the agent needs: the pages stay in
/// the page cache, and the code the agent runs again comes back through minor faults (a few
/// hundred, mostly on the first scrape; its latency did not move in `bench/scrape-bench`).
///
/// Only mappings without private (copy-on-write) pages are released: `MADV_DONTNEED` on a
/// private mapping throws its written pages away, which for the relocated RELRO data would be
/// a crash, so such a mapping (`Anonymous` above 0 in smaps) is left alone.
enum StartupPages {
    /// One mapping of the executable, as `/proc/self/smaps` describes it.
    struct Mapping: Equatable {
        var start: UInt
        var end: UInt
        var writable: Bool
        var residentKB: Int
        var anonymousKB: Int
    }

    /// What a release dropped: mappings and resident kB before the drop.
    struct Released: Equatable {
        var mappings = 0
        var residentKB = 0
    }

    /// The mappings of `path` in `smaps` text that can be released: read-only and without
    /// private pages.
    static func releasable(smaps: String, path: String) -> [Mapping] {
        var found: [Mapping] = []
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
            if let mapping = current { found.append(mapping) }
            current = nil
            // start-end perms offset dev inode path
            guard fields.count >= 6, fields[5...].joined(separator: " ") == path else { continue }
            let range = first.split(separator: "-")
            guard range.count == 2, let start = UInt(range[0], radix: 16), let end = UInt(range[1], radix: 16) else { continue }
            current = Mapping(start: start, end: end, writable: fields[1].contains("w"), residentKB: 0, anonymousKB: 0)
        }
        if let mapping = current { found.append(mapping) }
        return found.filter { !$0.writable && $0.anonymousKB == 0 && $0.end > $0.start }
    }

    /// Releases the executable's read-only mappings of this process. Returns nil when
    /// `/proc/self` cannot be read (nothing is released then).
    static func release() -> Released? {
        guard let path = executablePath(),
              case .success(let bytes) = WholeFile.read("/proc/self/smaps", limit: 16 * 1024 * 1024)
        else { return nil }
        var released = Released()
        for mapping in releasable(smaps: String(decoding: bytes, as: UTF8.self), path: path) {
            guard let address = UnsafeMutableRawPointer(bitPattern: mapping.start) else { continue }
            let length = Int(mapping.end - mapping.start)
            guard madvise(address, length, MADV_DONTNEED) == 0 else { continue }
            released.mappings += 1
            released.residentKB += mapping.residentKB
        }
        return released
    }

    private static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
