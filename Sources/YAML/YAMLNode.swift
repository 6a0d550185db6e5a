/// A YAML document as plain Swift values, each remembering where it stood in the file so that
/// a configuration error can name the line.
package struct YAMLNode: Sendable, Equatable {
    package enum Value: Sendable, Equatable {
        /// A scalar's text; `plain` is false for quoted scalars (so `"yes"` stays a string).
        case scalar(String, plain: Bool)
        case sequence([YAMLNode])
        /// Keys in document order, as written.
        case mapping([(key: YAMLNode, value: YAMLNode)])

        package static func == (lhs: Value, rhs: Value) -> Bool {
            switch (lhs, rhs) {
            case let (.scalar(a, pa), .scalar(b, pb)): a == b && pa == pb
            case let (.sequence(a), .sequence(b)): a == b
            case let (.mapping(a), .mapping(b)): a.elementsEqual(b) { $0.key == $1.key && $0.value == $1.value }
            default: false
            }
        }
    }

    package var value: Value
    /// 1-based line and column of the node's first character.
    package var line: Int
    package var column: Int

    package init(_ value: Value, line: Int, column: Int) {
        self.value = value
        self.line = line
        self.column = column
    }

    /// The scalar's text, or nil for collections. A plain `~`, `null` or empty scalar is null.
    package var scalar: String? {
        if case .scalar(let text, _) = value { return text }
        return nil
    }

    package var isNull: Bool {
        if case .scalar(let text, let plain) = value {
            return plain && (text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL")
        }
        return false
    }
}

/// Why a document could not be read as YAML, and where.
package struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    package var message: String
    package var line: Int
    package var column: Int

    package init(message: String, line: Int, column: Int) {
        self.message = message
        self.line = line
        self.column = column
    }

    package var description: String { "line \(line), column \(column): \(message)" }
}
