internal import CYAML

/// Parses YAML text with libyaml's event API into `YAMLNode`s. Only the first document is
/// read; an empty document gives nil. Anchors and aliases are resolved.
package enum YAMLParser {
    package static func parse(_ text: String) throws(YAMLError) -> YAMLNode? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) != 0 else {
            throw YAMLError(message: "cannot initialise the YAML parser", line: 0, column: 0)
        }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLError) -> YAMLNode? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var builder = Builder()
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) != 0 else {
                    throw YAMLError(
                        message: parser.problem.map { String(cString: $0) } ?? "malformed YAML",
                        line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
                }
                defer { yaml_event_delete(&event) }
                if try builder.consume(&event) { return builder.root }
            }
        }
    }

    /// Folds the flat event stream into a tree with a stack of open collections.
    private struct Builder {
        enum Open {
            case sequence([YAMLNode], anchor: String?, line: Int, column: Int)
            case mapping([(key: YAMLNode, value: YAMLNode)], pendingKey: YAMLNode?, anchor: String?, line: Int, column: Int)
        }

        var stack: [Open] = []
        var anchors: [String: YAMLNode] = [:]
        var root: YAMLNode?

        /// Returns true when the first document is complete.
        mutating func consume(_ event: inout yaml_event_t) throws(YAMLError) -> Bool {
            let line = Int(event.start_mark.line) + 1
            let column = Int(event.start_mark.column) + 1
            switch event.type {
            case YAML_DOCUMENT_END_EVENT, YAML_STREAM_END_EVENT:
                return true
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
                let node = YAMLNode(.scalar(text, plain: scalar.style == YAML_PLAIN_SCALAR_STYLE), line: line, column: column)
                if let anchor = scalar.anchor { anchors[String(cString: anchor)] = node }
                try add(node)
            case YAML_ALIAS_EVENT:
                let name = String(cString: event.data.alias.anchor)
                guard let node = anchors[name] else {
                    throw YAMLError(message: "unknown alias '*\(name)'", line: line, column: column)
                }
                try add(node)
            case YAML_SEQUENCE_START_EVENT:
                let anchor = event.data.sequence_start.anchor.map { String(cString: $0) }
                stack.append(.sequence([], anchor: anchor, line: line, column: column))
            case YAML_MAPPING_START_EVENT:
                let anchor = event.data.mapping_start.anchor.map { String(cString: $0) }
                stack.append(.mapping([], pendingKey: nil, anchor: anchor, line: line, column: column))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let open = stack.popLast() else { break }
                let node: YAMLNode
                let anchor: String?
                switch open {
                case let .sequence(items, a, l, c):
                    node = YAMLNode(.sequence(items), line: l, column: c)
                    anchor = a
                case let .mapping(pairs, _, a, l, c):
                    node = YAMLNode(.mapping(pairs), line: l, column: c)
                    anchor = a
                }
                if let anchor { anchors[anchor] = node }
                try add(node)
            default:
                break
            }
            return false
        }

        mutating func add(_ node: YAMLNode) throws(YAMLError) {
            guard let top = stack.popLast() else {
                root = node
                return
            }
            switch top {
            case .sequence(var items, let anchor, let line, let column):
                items.append(node)
                stack.append(.sequence(items, anchor: anchor, line: line, column: column))
            case .mapping(var pairs, let pendingKey, let anchor, let line, let column):
                if let key = pendingKey {
                    if pairs.contains(where: { $0.key.scalar != nil && $0.key.scalar == key.scalar }) {
                        throw YAMLError(message: "duplicate key '\(key.scalar ?? "")'", line: key.line, column: key.column)
                    }
                    pairs.append((key, node))
                    stack.append(.mapping(pairs, pendingKey: nil, anchor: anchor, line: line, column: column))
                } else {
                    stack.append(.mapping(pairs, pendingKey: node, anchor: anchor, line: line, column: column))
                }
            }
        }
    }
}
