internal import HostHealthModel
internal import Glibc

/// Speed and duplex, which RTM_GETLINK does not carry, read from `/sys/class/net/NAME/`.
/// The kernel answers EINVAL for a link without carrier and -1 when the driver does not know.
struct SysfsLinkProperties: Sendable {
    var root: String

    init(root: String = "/sys/class/net") {
        self.root = root
    }

    func read(_ name: String) -> (speedMbps: UInt32?, duplex: Duplex?) {
        // A name is at most 15 bytes and never contains '/', so it cannot leave `root`.
        guard !name.contains("/"), name != ".", name != ".." else { return (nil, nil) }
        let speed = readAttribute("\(root)/\(name)/speed").flatMap { Int64($0) }.flatMap { $0 > 0 && $0 < Int64(UInt32.max) ? UInt32($0) : nil }
        let duplex = readAttribute("\(root)/\(name)/duplex").flatMap { Duplex(rawValue: $0) }
        return (speed, duplex)
    }

    /// The attribute's first line, or nil when it cannot be read.
    private func readAttribute(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 64)
        let count = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        let line = bytes[..<count].prefix { $0 != UInt8(ascii: "\n") }
        return String(decoding: line, as: UTF8.self)
    }
}
