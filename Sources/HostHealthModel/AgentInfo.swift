/// Facts about the running agent that the scrape reports about itself.
package struct AgentInfo: Sendable, Equatable {
    package var version: String

    package init(version: String) {
        self.version = version
    }
}
