internal import Glibc

/// Reads sysfs attribute files. Under umockdev the preload redirects these paths to the
/// testbed, so readers are tested without a fake file layer.
struct SysfsAttribute: Sendable {
    /// The attribute's text without its trailing newline (the kernel writes one), or nil when
    /// it cannot be read: a device that vanished mid-read is data, not an error.
    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let count = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard count >= 0 else { return nil }
        var text = bytes[..<count]
        while let last = text.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: " ") { text.removeLast() }
        return String(decoding: text, as: UTF8.self)
    }
}
