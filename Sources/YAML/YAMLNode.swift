/// A YAML document as plain Swift values, each remembering where it stood in the file so that
/// a configuration error can name the line.
public struct YAMLNode: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        /// A scalar's text; `plain` is false for quoted scalars (so `"yes"` stays a string).
        case scalar(String, plain: Bool)
        case sequence([YAMLNode])
        /// Keys in document order, as written.
        case mapping([(key: YAMLNode, value: YAMLNode)])

        public static func == (lhs: Value, rhs: Value) -> Bool {
            switch (lhs, rhs) {
            case let (.scalar(a, pa), .scalar(b, pb)): a == b && pa == pb
            case let (.sequence(a), .sequence(b)): a == b
            case let (.mapping(a), .mapping(b)): a.elementsEqual(b) { $0.key == $1.key && $0.value == $1.value }
            default: false
            }
        }
    }

    public var value: Value
    /// 1-based line and column of the node's first character.
    public var line: Int
    public var column: Int

    public init(_ value: Value, line: Int, column: Int) {
        self.value = value
        self.line = line
        self.column = column
    }

    /// The scalar's text, or nil for collections. A plain `~`, `null` or empty scalar is null.
    public var scalar: String? {
        if case .scalar(let text, _) = value { return text }
        return nil
    }

    public var isNull: Bool {
        if case .scalar(let text, let plain) = value {
            return plain && (text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL")
        }
        return false
    }
}

/// Why a document could not be read as YAML, and where.
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var line: Int
    public var column: Int

    public init(message: String, line: Int, column: Int) {
        self.message = message
        self.line = line
        self.column = column
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}
