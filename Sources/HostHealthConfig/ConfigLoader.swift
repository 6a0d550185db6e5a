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
    /// The declared intent read with the configuration, so that one reload takes both or
    /// neither: a bad baseline keeps the old one in force, as a bad file does.
    package var baseline: BaselineLoader

    package init(path: String?, baselinePath: String? = nil) {
        self.path = path ?? Self.defaultPath
        self.explicit = path != nil
        self.baseline = BaselineLoader(path: baselinePath)
    }

    package func load() throws(ConfigError) -> AgentConfig {
        var config: AgentConfig
        switch FileContents.read(path, limit: 1 << 20) {
        case .success(let bytes):
            if let line = Self.firstInvalidUTF8Line(bytes) {
                throw ConfigError(file: path, line: line, reason: "not valid UTF-8 (the file must be UTF-8 text)")
            }
            config = try ConfigParser(file: path).parse(String(decoding: bytes, as: UTF8.self))
        case .failure(let failure):
            guard failure == .noSuchFileOrDirectory && !explicit else {
                throw ConfigError(file: path, reason: "cannot read the configuration file: \(failure)")
            }
            config = AgentConfig()
        }
        config.baseline = try baseline.load()
        return config
    }

    /// The 1-based line of the first byte that is not UTF-8, or nil when all of it is: decoding
    /// would silently turn it into U+FFFD and a name would no longer match what was meant.
    package static func firstInvalidUTF8Line(_ bytes: [UInt8]) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var line = 1
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar):
                if scalar.count == 1 && scalar.first == UInt8(ascii: "\n") { line += 1 }
            case .emptyInput:
                return nil
            case .error:
                return line
            }
        }
    }
}
