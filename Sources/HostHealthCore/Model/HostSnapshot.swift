/// Everything the readers last saw, as one immutable value: the input of the health policy and
/// of the exposition.
public struct HostSnapshot: Sendable, Equatable {
    /// Links by name, present only when the link collector is enabled.
    public var links: [String: Link]?
    /// md arrays sorted by name, present only when the arrays collector is enabled.
    public var arrays: [MDArray]?
    public var readers: [ReaderStatus]

    public init(links: [String: Link]? = nil, arrays: [MDArray]? = nil, readers: [ReaderStatus] = []) {
        self.links = links
        self.arrays = arrays
        self.readers = readers
    }

    public func reader(_ name: String) -> ReaderStatus? {
        readers.first { $0.name == name }
    }
}
