package import HostSystem

/// Where a server listens: `host:port`, `:port` (all IPv4 addresses), `[v6]:port`, or a Unix
/// socket path.
package enum ListenAddress: Sendable, Equatable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case unix(path: String)

    /// Parses the node_exporter-style `--web.listen-address` value.
    package init(parsing text: String) throws(HostHealthError) {
        if text.hasPrefix("/") {
            self = .unix(path: text)
            return
        }
        guard let colon = text.lastIndex(of: ":") else {
            throw HostHealthError(.badFlag, "'\(text)' is not a listen address; write host:port, :port or [v6addr]:port")
        }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw HostHealthError(.badFlag, "'\(text)': the port must be a number from 0 to 65535")
        }
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        }
        self = .tcp(host: host.isEmpty ? "0.0.0.0" : host, port: port)
    }

    package var description: String {
        switch self {
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path): path
        }
    }
}
