/// Facts about the running agent that the scrape reports about itself.
package struct AgentInfo: Sendable, Equatable {
    package var version: String

    package init(version: String) {
        self.version = version
    }

    /// This build's release: what `--version`, `hosthealth_build_info` and the package say
    /// (`packaging/build-deb` reads it from here).
    package static let releaseVersion = "0.1.0"
}
