public import Logging

/// What `hosthealthd`'s flags resolved to.
public struct AgentOptions: Sendable, Equatable {
    /// Default HTTP port: outside 9100–9999, the fully allocated exporter range.
    public static let defaultWebPort = 9041
    public static let defaultAgentCheckPort = 9777
    public static let defaultControlSocket = "/run/hosthealth/control.sock"
    public static let defaultStateDirectory = "/var/lib/hosthealth"

    public var configFile: String?
    public var webListenAddresses: [ListenAddress]
    /// TLS and basic auth for the web listeners (exporter-toolkit format).
    public var webConfigFile: String?
    public var agentCheckAddress: ListenAddress?
    public var controlSocket: String?
    /// Where the transition journal is kept; nil keeps it in memory only.
    public var stateDirectory: String?
    /// The readers that run; all of them by default.
    public var collectors: Set<Collector>
    public var logLevel: Logger.Level
    public var logFormat: LogFormat

    public init(
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

    public var linksEnabled: Bool { collectors.contains(.links) }
}
