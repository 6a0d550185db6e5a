internal import Glibc
public import HostHealthCore

/// Reads the configuration file from disk. The default path may be absent (built-in defaults);
/// a path the operator named must exist.
public struct ConfigLoader: Sendable {
    public static let defaultPath = "/etc/hosthealth/hosthealth.yaml"

    public var path: String
    public var explicit: Bool

    public init(path: String?) {
        self.path = path ?? Self.defaultPath
        self.explicit = path != nil
    }

    public func load() throws(ConfigError) -> AgentConfig {
        let text: String
        switch Self.readFile(path) {
        case .success(let contents):
            text = contents
        case .failure(let error):
            let code = error.code
            if code == ENOENT && !explicit { return AgentConfig() }
            throw ConfigError(file: path, reason: "cannot read the configuration file: \(Self.describe(code))")
        }
        return try ConfigParser(file: path).parse(text)
    }

    /// Reads a whole (small) file, or the errno.
    static func readFile(_ path: String) -> Result<String, ReadError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(ReadError(code: errno)) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(ReadError(code: errno))
            }
            if count == 0 { break }
            bytes += chunk[..<count]
            if bytes.count > 1 << 20 { return .failure(ReadError(code: EFBIG)) }
        }
        return .success(String(decoding: bytes, as: UTF8.self))
    }

    static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    struct ReadError: Error {
        var code: Int32
    }
}
