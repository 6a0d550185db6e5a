internal import HostHealthModel
internal import HostSystem

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
        let speed = SysfsAttribute.text("\(root)/\(name)/speed").flatMap { Int64($0) }.flatMap { $0 > 0 && $0 < Int64(UInt32.max) ? UInt32($0) : nil }
        let duplex = SysfsAttribute.text("\(root)/\(name)/duplex").flatMap { Duplex(rawValue: $0) }
        return (speed, duplex)
    }
}
