internal import Glibc

/// Plain reads of sysfs files and folders. Under umockdev the preload redirects these paths to
/// the testbed, so the readers need no seam of their own.
enum SysfsFiles {
    /// What reading one attribute gave: its text without the trailing newline, nothing (the
    /// file is not there, which partial trees and older kernels do), or an errno.
    enum Value: Equatable {
        case text(String)
        case absent
        case failed(Int32)
    }

    static func read(_ path: String) -> Value {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            return code == ENOENT || code == ENOTDIR ? .absent : .failed(code)
        }
        defer { close(fd) }
        // sysfs attributes are at most a page.
        var bytes = [UInt8](repeating: 0, count: 4096)
        var count = 0
        while count < bytes.count {
            let got = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + count, $0.count - count) }
            if got < 0 {
                if errno == EINTR { continue }
                let code = errno
                // A device that vanished mid-read.
                return code == ENODEV || code == ENOENT ? .absent : .failed(code)
            }
            if got == 0 { break }
            count += got
        }
        var text = bytes[..<count]
        while let last = text.last, last == UInt8(ascii: "\n") || last == 0 { text = text.dropLast() }
        return .text(String(decoding: text, as: UTF8.self))
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

    static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
