/// Facts about the running agent that the scrape reports about itself.
public struct AgentInfo: Sendable, Equatable {
    public var version: String

    public init(version: String) {
        self.version = version
    }
}
