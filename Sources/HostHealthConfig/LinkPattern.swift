internal import HostHealthModel

/// A link name or shell-style glob (`*`, `?`, `[a-z]`, `[!0-9]`), as operators write them in
/// `links.required`. Matching works on the bytes of names as the agent spells them (in a name
/// that is not UTF-8, `\xNN` and `\\`), where a backslash is no glob escape.
package struct LinkPattern: Sendable, Hashable, CustomStringConvertible {
    package let text: String
    private let bytes: [UInt8]

    package init(_ text: String) {
        self.text = text
        self.bytes = Array(text.utf8)
    }

    package var description: String { text }

    /// True when the pattern has no glob characters and names exactly one link.
    package var isLiteral: Bool {
        !bytes.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") }
    }

    package func matches(_ name: String) -> Bool {
        Self.match(bytes[...], Array(name.utf8)[...])
    }

    private static func match(_ pattern: ArraySlice<UInt8>, _ name: ArraySlice<UInt8>) -> Bool {
        var p = pattern.startIndex
        var n = name.startIndex
        var starP: Int?
        var starN = 0
        while n < name.endIndex {
            if p < pattern.endIndex {
                let c = pattern[p]
                if c == UInt8(ascii: "*") {
                    starP = p
                    starN = n
                    p += 1
                    continue
                }
                if c == UInt8(ascii: "?") {
                    p += 1
                    n += 1
                    continue
                }
                if c == UInt8(ascii: "["), let (matched, next) = matchClass(pattern, p, name[n]) {
                    if matched {
                        p = next
                        n += 1
                        continue
                    }
                } else if c == name[n] {
                    p += 1
                    n += 1
                    continue
                }
            }
            guard let star = starP else { return false }
            p = star + 1
            starN += 1
            n = starN
        }
        while p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") {
            p += 1
        }
        return p == pattern.endIndex
    }

    /// Matches `[...]` at `start`; nil when the bracket is not closed (then it is a literal `[`).
    private static func matchClass(_ pattern: ArraySlice<UInt8>, _ start: Int, _ byte: UInt8) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < pattern.endIndex, pattern[i] == UInt8(ascii: "!") || pattern[i] == UInt8(ascii: "^") {
            negate = true
            i += 1
        }
        var matched = false
        var first = true
        while i < pattern.endIndex {
            let c = pattern[i]
            if c == UInt8(ascii: "]"), !first {
                return (matched != negate, i + 1)
            }
            first = false
            if i + 2 < pattern.endIndex, pattern[i + 1] == UInt8(ascii: "-"), pattern[i + 2] != UInt8(ascii: "]") {
                if c <= byte && byte <= pattern[i + 2] { matched = true }
                i += 3
            } else {
                if c == byte { matched = true }
                i += 1
            }
        }
        return nil
    }
}
