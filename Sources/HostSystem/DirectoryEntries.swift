internal import Glibc

/// A directory's visible entries (no dot files) in byte order, as libsensors' scandir with
/// alphasort and `baseline.d` read them; none when the directory is absent.
package enum DirectoryEntries {
    package static func sorted(_ directory: String) -> Result<[String], Errno> {
        guard let handle = opendir(directory) else {
            if errno == ENOENT || errno == ENOTDIR { return .success([]) }
            return .failure(.current)
        }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if !name.hasPrefix(".") { names.append(name) }
        }
        return .success(names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
    }
}
