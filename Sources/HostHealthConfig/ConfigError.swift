internal import HostHealthModel

/// A configuration the agent refuses, with everything an operator needs to fix it: the file,
/// the line, the key and why.
package struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    package var file: String
    package var line: Int?
    package var column: Int?
    /// Dotted path of the offending key, e.g. `links.flapping.window`.
    package var key: String?
    package var reason: String

    package init(file: String, line: Int? = nil, column: Int? = nil, key: String? = nil, reason: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.reason = reason
    }

    package var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        return "\(location): " + (key.map { "\($0): " } ?? "") + reason
    }
}
