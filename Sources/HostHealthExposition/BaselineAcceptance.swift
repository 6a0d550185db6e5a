package import HostHealthModel
internal import HostHealthConfig

/// `hostctl baseline accept ID…`: the baseline with what is there now taken as declared for
/// the named items. A replaced disk's new identity also takes its place in the arrays that
/// declared the old one; a missing item is dropped, an unexpected one added.
package enum BaselineAcceptance {
    package struct Refusal: Error, CustomStringConvertible {
        package var description: String
    }

    package static func accept(_ keys: [String], in baseline: Baseline, diff: DiffDocument) throws(Refusal) -> Baseline {
        var items = baseline.items
        for key in keys {
            guard let entry = diff.items.first(where: { "\($0.kind):\($0.id)" == key || $0.id == key }) else {
                throw Refusal(description: "\(key): not an item that deviates (see `hostctl diff`)")
            }
            let kind = DriftKind(rawValue: entry.kind)
            let position = items.firstIndex { $0.kind == kind && $0.id == entry.id }
            switch entry.status {
            case "missing":
                if let position { items.remove(at: position) }
            case "unknown":
                throw Refusal(description: "\(key): its reader could not see it; nothing to accept")
            default:
                guard let actual = entry.actual else { throw Refusal(description: "\(key): nothing on the host to accept") }
                var accepted = item(kind: kind, actual, keeping: position.map { items[$0] })
                if let position {
                    accepted.rule = items[position].rule
                    items[position] = accepted
                } else {
                    items.append(accepted)
                }
                if entry.status == "replaced" || entry.status == "converging", kind == .disk, accepted.id != entry.id {
                    // Arrays that named the old disk now name the new one.
                    for index in items.indices where items[index].kind == .array {
                        for (name, value) in items[index].attributes where value == entry.id { items[index].attributes[name] = accepted.id }
                    }
                }
            }
        }
        var result = baseline
        result.items = items.sorted()
        return result
    }

    /// An item from the fields `DiffDocument` shows of it: the attributes the declared item
    /// had, as they are now (an undeclared one gets every field its domain has).
    static func item(kind: DriftKind, _ fields: [String: String], keeping declared: BaselineItem?) -> BaselineItem {
        var attributes = fields
        let id = attributes.removeValue(forKey: "id") ?? ""
        let slot = attributes.removeValue(forKey: "slot")
        attributes["name"] = nil
        if let declared, kind != .array {
            attributes = attributes.filter { declared.attributes[$0.key] != nil }
        }
        return BaselineItem(kind: kind, id: id, slot: slot ?? declared?.slot, attributes: attributes)
    }

    /// A unified-style diff of two texts, for `--print` when the file is managed elsewhere.
    package static func patch(from old: String, to new: String, path: String) -> String {
        func lines(_ text: String) -> [String] {
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.last == "" { lines.removeLast() }
            return lines
        }
        let a = lines(old)
        let b = lines(new)
        // Longest common subsequence: baselines are small.
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var out = "--- \(path)\n+++ \(path)\n"
        var (i, j) = (0, 0)
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                out += " \(a[i])\n"
                i += 1
                j += 1
            } else if i < a.count, j == b.count || table[i + 1][j] >= table[i][j + 1] {
                out += "-\(a[i])\n"
                i += 1
            } else {
                out += "+\(b[j])\n"
                j += 1
            }
        }
        return out
    }
}
