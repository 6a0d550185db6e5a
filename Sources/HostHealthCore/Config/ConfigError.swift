/// A configuration the agent refuses, with everything an operator needs to fix it: the file,
/// the line, the key and why.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    /// Dotted path of the offending key, e.g. `links.flapping.window`.
    public var key: String?
    public var reason: String

    public init(file: String, line: Int? = nil, column: Int? = nil, key: String? = nil, reason: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.reason = reason
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        return "\(location): " + (key.map { "\($0): " } ?? "") + reason
    }
}
