package import HostHealthModel

/// Writes a baseline as YAML that `BaselineParser` reads back to the same value: the schema
/// and who recorded it first, then one section per domain with its items sorted by id, each
/// item's `id` first and its other keys sorted. Two recordings of one host differ only where
/// the host did, so their git diff is small and readable.
package enum BaselineWriter {
    /// - Parameter leftOut: kinds a recording could not see, with why: named in a comment, so
    ///   that nobody takes their absence for "none declared".
    package static func yaml(_ baseline: Baseline, leftOut: [DriftKind: String] = [:]) -> String {
        var out = "# hosthealth baseline: what this host should be. Check with `hostctl baseline validate`,\n"
        out += "# compare with `hostctl diff`.\n"
        for (kind, why) in leftOut.sorted(by: { $0.key < $1.key }) {
            out += "# not recorded: \(kind.rawValue) (\(why.filter { !$0.isNewline }))\n"
        }
        out += "schema: \(baseline.schema)\n"
        if let by = baseline.recordedBy { out += "recorded_by: \(scalar(by))\n" }
        if let at = baseline.recordedAt { out += "recorded_at: \(scalar(at))\n" }
        if !baseline.kinds.isEmpty {
            out += "kinds:\n"
            for kind in baseline.kinds.keys.sorted() {
                out += "  \(kind.rawValue):" + rule(baseline.kinds[kind]!, indent: "    ", inline: true) + "\n"
            }
        }
        for domain in DriftDomains.all.sorted(by: { $0.section < $1.section }) {
            let items = baseline.items(of: domain.kind)
            guard !items.isEmpty else { continue }
            out += "\(domain.section):\n"
            for item in items { out += self.item(item, domain: domain) }
        }
        return out
    }

    static func item(_ item: BaselineItem, domain: any DriftDomain) -> String {
        var lines: [(String, String)] = []
        if let slot = item.slot { lines.append(("slot", " " + scalar(slot))) }
        for field in domain.fields {
            switch field.shape {
            case .text, .integer:
                if let value = item.attributes[field.name] { lines.append((field.name, " " + scalar(value))) }
            case .list:
                if let value = item.attributes[field.name] {
                    lines.append((field.name, " [" + DriftList.split(value).map(scalar).joined(separator: ", ") + "]"))
                }
            case .members:
                let members = roles(item.attributes)
                guard !members.isEmpty else { continue }
                var text = ""
                for role in members {
                    var parts = ["role: \(role)"]
                    if let disk = item.attributes["member.\(role)"] { parts.append("disk: \(scalar(disk))") }
                    if let slot = item.attributes["member.\(role).slot"] { parts.append("slot: \(scalar(slot))") }
                    text += "\n      - {" + parts.joined(separator: ", ") + "}"
                }
                lines.append((field.name, text))
            }
        }
        if let intent = item.rule.intent { lines.append(("intent", " " + intent.rawValue)) }
        if let effect = item.rule.onDrift { lines.append(("on_drift", " " + effect.rawValue)) }
        if let seconds = item.rule.convergeWithinSeconds { lines.append(("converge_within", " " + duration(seconds))) }
        var out = "  - id: \(scalar(item.id))\n"
        for (key, value) in lines.sorted(by: { $0.0 < $1.0 }) { out += "    \(key):\(value)\n" }
        return out
    }

    /// The roles an array's members hold, in order.
    package static func roles(_ attributes: [String: String]) -> [Int] {
        Set(attributes.keys.compactMap { key -> Int? in
            guard key.hasPrefix("member.") else { return nil }
            return Int(key.dropFirst("member.".count).prefix { $0 != "." })
        }).sorted()
    }

    static func rule(_ rule: DriftRule, indent: String, inline: Bool) -> String {
        var parts: [String] = []
        if let effect = rule.onDrift { parts.append("on_drift: \(effect.rawValue)") }
        if let seconds = rule.convergeWithinSeconds { parts.append("converge_within: \(duration(seconds))") }
        if let intent = rule.intent { parts.append("intent: \(intent.rawValue)") }
        return " {" + parts.sorted().joined(separator: ", ") + "}"
    }

    static func duration(_ seconds: Double) -> String {
        if seconds.truncatingRemainder(dividingBy: 3600) == 0 { return "\(Int(seconds / 3600))h" }
        if seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(seconds / 60))m" }
        return seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }

    /// Plain where YAML reads it back as the same text, else double-quoted with escapes.
    package static func scalar(_ text: String) -> String {
        let reserved: Set<String> = ["", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "n", "Y", "N"]
        let safe = text.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-", "/", "@", "+": true
            case ":": true
            default: false
            }
        }
        let first = text.unicodeScalars.first
        let startsPlain = first.map { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) } ?? false
        if safe && startsPlain && !reserved.contains(text) && !text.hasSuffix(":") && !text.contains(": ") { return text }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    out += "\\x" + (scalar.value < 16 ? "0" : "") + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
