internal import HostSystem

/// The raw text of one PCI function's sysfs attributes, as read: the input of `PCIeParser`,
/// so that parsing is tested without files.
struct PCIeAttributes: Sendable, Equatable {
    /// What reading one attribute gave: its text, nothing (absent on this kernel or device, or
    /// the device vanished mid-read), or an errno.
    enum Value: Sendable, Equatable {
        case text(String)
        case absent
        case failed(Errno)
    }

    var address: String
    /// By file name (`class`, `current_link_speed`, `aer_dev_correctable`, …).
    var values: [String: Value]
    /// The port above, its `max_link_speed` and `max_link_width`.
    var upstream: String?
    var upstreamValues: [String: Value]
    var isVirtualFunction: Bool
    /// The Device Serial Number, when it was read (config space, root only; once per device).
    var serialNumber: String?

    init(
        address: String, values: [String: Value] = [:], upstream: String? = nil, upstreamValues: [String: Value] = [:],
        isVirtualFunction: Bool = false, serialNumber: String? = nil
    ) {
        self.address = address
        self.values = values
        self.upstream = upstream
        self.upstreamValues = upstreamValues
        self.isVirtualFunction = isVirtualFunction
        self.serialNumber = serialNumber
    }

    static func read(_ path: String) -> Value {
        switch SysfsAttribute.read(path) {
        case .success(let text): .text(text)
        case .failure(.noSuchFileOrDirectory), .failure(.notDirectory), .failure(.noSuchDevice): .absent
        case .failure(let code): .failed(code)
        }
    }
}
