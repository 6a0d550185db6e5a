/// Everything the readers last saw, as one immutable value: the input of the health policy and
/// of the exposition.
public struct HostSnapshot: Sendable, Equatable {
    /// Links by name, present only when the link collector is enabled.
    public var links: [String: Link]?
    /// Hardware sensors in libsensors' order, present only when the sensors collector is enabled.
    public var sensors: [Sensor]?
    public var readers: [ReaderStatus]

    public init(links: [String: Link]? = nil, sensors: [Sensor]? = nil, readers: [ReaderStatus] = []) {
        self.links = links
        self.sensors = sensors
        self.readers = readers
    }

    public func reader(_ name: String) -> ReaderStatus? {
        readers.first { $0.name == name }
    }
}
