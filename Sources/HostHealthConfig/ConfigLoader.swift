internal import Glibc
internal import HostSystem

/// Reads the configuration file from disk. The default path may be absent (built-in defaults);
/// a path the operator named must exist.
package struct ConfigLoader: Sendable {
    package static let defaultPath = "/etc/hosthealth/hosthealth.yaml"
    /// Where the agent serves hostctl unless `--control.socket` says otherwise.
    package static let defaultControlSocket = "/run/hosthealth/control.sock"

    package var path: String
    package var explicit: Bool

    package init(path: String?) {
        self.path = path ?? Self.defaultPath
        self.explicit = path != nil
    }

    package func load() throws(ConfigError) -> AgentConfig {
        switch FileContents.read(path, limit: 1 << 20) {
        case .success(let bytes):
            return try ConfigParser(file: path).parse(String(decoding: bytes, as: UTF8.self))
        case .failure(let failure):
            if failure == .noSuchFileOrDirectory && !explicit { return AgentConfig() }
            throw ConfigError(file: path, reason: "cannot read the configuration file: \(failure)")
        }
    }
}
