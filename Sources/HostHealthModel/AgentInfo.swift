/// Facts about the running agent that the scrape reports about itself.
package struct AgentInfo: Sendable, Equatable {
    package var version: String
    /// `uname -r`, and the fleet labels (empty without a `fleet:` section): the labels of
    /// `hosthealth_host_info`, so the fleet rules see what hosts that fail together share.
    package var kernel: String
    package var pool: String
    package var zone: String
    package var rack: String

    package init(version: String, kernel: String = "", pool: String = "", zone: String = "", rack: String = "") {
        self.version = version
        self.kernel = kernel
        self.pool = pool
        self.zone = zone
        self.rack = rack
    }

    /// This build's release: what `--version`, `hosthealth_build_info` and the package say
    /// (`packaging/build-deb` reads it from here).
    package static let releaseVersion = "0.1.0"
}
