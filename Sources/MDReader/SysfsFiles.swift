internal import Glibc
internal import HostSystem

/// Plain reads of sysfs attributes and folders. Under umockdev the preload redirects these paths to
/// the testbed, so the readers need no seam of their own.
enum SysfsFiles {
    /// What reading one attribute gave: its text as `SysfsAttribute` reads it, nothing (the
    /// file is not there, which partial trees and older kernels do, or the device vanished
    /// mid-read), or an errno.
    enum Value: Equatable {
        case text(String)
        case absent
        case failed(Errno)
    }

    static func read(_ path: String) -> Value {
        switch SysfsAttribute.read(path) {
        case .success(let text): .text(text)
        case .failure(.noSuchFileOrDirectory), .failure(.notDirectory), .failure(.noSuchDevice): .absent
        case .failure(let code): .failed(code)
        }
    }

    /// Entry names of a folder, without `.` and `..`; empty when it cannot be listed.
    static func list(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    /// The target of a symbolic link, or nil when `path` is not one.
    static func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
    }
}
