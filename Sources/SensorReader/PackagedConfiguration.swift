internal import Glibc
internal import HostSystem

/// Whether a configuration file is still exactly as its Debian package shipped it: dpkg keeps
/// each conffile's MD5 in its status file (`Conffiles:`, one ` PATH MD5` line per file), and
/// the file's own MD5 matching it means nobody edited it.
package enum PackagedConfiguration {
    /// False when the file or the status cannot be read, or dpkg lists no such conffile: then
    /// the file is taken as the operator's, as before this check.
    package static func isUnmodified(_ path: String, status: String) -> Bool {
        guard case .success(let file) = FileContents.read(path, limit: 1 << 20),
              let recorded = recordedDigest(of: path, status: status) else { return false }
        return MD5.hex(file) == recorded
    }

    /// The MD5 dpkg recorded for the conffile `path`, from a status file.
    package static func recordedDigest(of path: String, status: String) -> String? {
        guard case .success(let bytes) = FileContents.read(status, limit: 64 << 20) else { return nil }
        let needle = Array("\n \(path) ".utf8)
        // Line by line with memchr and memcmp: the status file is about a megabyte, and this
        // runs at every libsensors set-up.
        let found: Int? = bytes.withUnsafeBytes { haystack in
            needle.withUnsafeBytes { pattern -> Int? in
                guard let base = haystack.baseAddress, haystack.count >= pattern.count else { return nil }
                var offset = 0
                while offset + pattern.count <= haystack.count {
                    guard let newline = memchr(base + offset, 0x0a, haystack.count - offset) else { return nil }
                    offset = UnsafeRawPointer(newline) - base
                    if offset + pattern.count <= haystack.count, memcmp(newline, pattern.baseAddress!, pattern.count) == 0 {
                        return offset
                    }
                    offset += 1
                }
                return nil
            }
        }
        guard let found else { return nil }
        let digest = bytes[(found + needle.count)...].prefix { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") }
        guard digest.count == 32, digest.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return nil }
        return String(decoding: digest, as: UTF8.self)
    }
}
