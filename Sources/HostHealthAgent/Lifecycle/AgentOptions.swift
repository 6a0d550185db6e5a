package import HostHealthModel
package import Logging
internal import HostHealthConfig

/// What `hosthealthd`'s flags resolved to.
package struct AgentOptions: Sendable, Equatable {
    /// Default HTTP port: outside 9100–9999, the fully allocated exporter range.
    package static let defaultWebPort = 9041
    package static let defaultAgentCheckPort = 9777
    package static let defaultControlSocket = ConfigLoader.defaultControlSocket
    package static let defaultStateDirectory = "/var/lib/hosthealth"

    package var configFile: String?
    /// `--baseline.file`; nil: the default path, when present.
    package var baselineFile: String?
    package var webListenAddresses: [ListenAddress]
    /// TLS and basic auth for the web listeners (exporter-toolkit format).
    package var webConfigFile: String?
    package var agentCheckAddress: ListenAddress?
    package var controlSocket: String?
    /// Where the transition journal is kept; nil keeps it in memory only.
    package var stateDirectory: String?
    /// The readers that run; all of them by default.
    package var collectors: Set<Collector>
    package var logLevel: Logger.Level
    package var logFormat: LogFormat

    package init(
        configFile: String? = nil,
        webListenAddresses: [ListenAddress] = [.tcp(host: "0.0.0.0", port: AgentOptions.defaultWebPort)],
        agentCheckAddress: ListenAddress? = .tcp(host: "0.0.0.0", port: AgentOptions.defaultAgentCheckPort),
        controlSocket: String? = AgentOptions.defaultControlSocket,
        stateDirectory: String? = AgentOptions.defaultStateDirectory,
        collectors: Set<Collector> = Set(Collector.allCases), logLevel: Logger.Level = .info, logFormat: LogFormat = .logfmt
    ) {
        self.configFile = configFile
        self.webListenAddresses = webListenAddresses
        self.agentCheckAddress = agentCheckAddress
        self.controlSocket = controlSocket
        self.stateDirectory = stateDirectory
        self.collectors = collectors
        self.logLevel = logLevel
        self.logFormat = logFormat
    }

    package var linksEnabled: Bool { collectors.contains(.links) }
}
