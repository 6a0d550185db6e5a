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

    /// Deeper nesting is refused: a configuration needs a handful of levels, and a tree tens of
    /// thousands deep overflows the stack when Swift frees it (a 140 KB file crashed the agent).
    package static let maxDepth = 64
    /// More nodes are refused (aliases count what they expand to), so a small file cannot make
    /// the agent build or walk an unbounded tree.
    package static let maxNodes = 500_000

    /// Folds the flat event stream into a tree with a stack of open collections. Each node is
    /// appended in place and mapping keys are checked in a set, so the work is linear in the
    /// size of the file (the earlier builder copied each collection per item and scanned every
    /// earlier key: a 40,000-item list took minutes).
    private struct Builder {
        struct Open {
            var isMapping: Bool
            var items: [YAMLNode] = []
            var pairs: [(key: YAMLNode, value: YAMLNode)] = []
            var keys: Set<String> = []
            var pendingKey: YAMLNode?
            var anchor: String?
            var line: Int
            var column: Int
            /// Nodes inside, for an anchor's weight.
            var nodes = 0
        }

        var stack: [Open] = []
        var anchors: [String: (node: YAMLNode, nodes: Int)] = [:]
        var root: YAMLNode?
        var nodes = 0

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
                if let anchor = scalar.anchor { anchors[String(cString: anchor)] = (node, 1) }
                try add(node, weight: 1, fresh: 1, line: line, column: column)
            case YAML_ALIAS_EVENT:
                let name = String(cString: event.data.alias.anchor)
                guard let anchored = anchors[name] else {
                    throw YAMLError(message: "unknown alias '*\(name)'", line: line, column: column)
                }
                try add(anchored.node, weight: anchored.nodes, fresh: anchored.nodes, line: line, column: column)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                guard stack.count < YAMLParser.maxDepth else {
                    throw YAMLError(message: "nested more than \(YAMLParser.maxDepth) levels deep", line: line, column: column)
                }
                let mapping = event.type == YAML_MAPPING_START_EVENT
                let anchor = (mapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor).map { String(cString: $0) }
                stack.append(Open(isMapping: mapping, anchor: anchor, line: line, column: column))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let open = stack.popLast() else { break }
                let node = YAMLNode(open.isMapping ? .mapping(open.pairs) : .sequence(open.items), line: open.line, column: open.column)
                if let anchor = open.anchor { anchors[anchor] = (node, open.nodes + 1) }
                try add(node, weight: open.nodes + 1, fresh: 1, line: line, column: column)
            default:
                break
            }
            return false
        }

        /// Adds a finished node to the innermost open collection. `weight` is how many nodes it
        /// stands for; `fresh` how many of those are not yet counted against the limit (a closed
        /// collection's items were counted as they came, an alias's expansion was not).
        mutating func add(_ node: YAMLNode, weight: Int, fresh: Int, line: Int, column: Int) throws(YAMLError) {
            nodes += fresh
            guard nodes <= YAMLParser.maxNodes else {
                throw YAMLError(message: "more than \(YAMLParser.maxNodes) nodes", line: line, column: column)
            }
            let top = stack.count - 1
            guard top >= 0 else {
                root = node
                return
            }
            stack[top].nodes += weight
            guard stack[top].isMapping else {
                stack[top].items.append(node)
                return
            }
            guard let key = stack[top].pendingKey else {
                stack[top].pendingKey = node
                return
            }
            if let text = key.scalar, !stack[top].keys.insert(text).inserted {
                throw YAMLError(message: "duplicate key '\(text)'", line: key.line, column: key.column)
            }
            stack[top].pairs.append((key, node))
            stack[top].pendingKey = nil
        }
    }
}
