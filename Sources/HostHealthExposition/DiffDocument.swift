internal import HostHealthModel
package import HostHealthPolicy

/// `hostctl diff --json` and the agent's `GET /drift`: declared against actual, one entry per
/// item that deviates. Field names are a contract: add fields, never rename them.
package struct DiffDocument: Sendable, Codable, Equatable {
    package struct Reference: Sendable, Codable, Equatable {
        package var path: String
        package var sha256: String
    }

    package struct Change: Sendable, Codable, Equatable {
        package var path: String
        package var from: String?
        package var to: String?

        /// `[{"from", "path", "to"}]`, as `/drift` and `/status` write them.
        static func write(_ changes: [Change], to writer: inout JSONWriter) {
            writer.array { list in
                for change in changes {
                    list.object { object in
                        object.key("from"); object.optional(change.from) { $0.string($1) }
                        object.key("path"); object.string(change.path)
                        object.key("to"); object.optional(change.to) { $0.string($1) }
                    }
                }
            }
        }
    }

    package struct Item: Sendable, Codable, Equatable {
        package var kind: String
        package var id: String
        package var status: String
        package var intent: String
        package var declared: [String: String]?
        package var actual: [String: String]?
        package var changes: [Change]
        /// RFC 3339; the end of a converging replacement's tolerance.
        package var deadline: String?
        /// `fail`, `degrade`, `warn`, `ignore`, or nil when nothing deviates or it is tolerated.
        package var effect: String?
        package var acceptedPending: Bool
        package var note: String
        package var progress: Double?
        package var etaSeconds: Double?

        enum CodingKeys: String, CodingKey {
            case kind, id, status, intent, declared, actual, changes, deadline, effect, note, progress
            case acceptedPending = "accepted_pending"
            case etaSeconds = "eta_seconds"
        }
    }

    package var formatVersion: Int
    package var baseline: Reference
    package var summary: [String: Int]
    package var items: [Item]
    /// Kinds that could not be observed, with why.
    package var incomplete: [String: String]
    /// What `hostctl diff` exits with.
    package var exitCode: Int

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case baseline, summary, items, incomplete
        case exitCode = "exit_code"
    }

    /// - Parameter all: also the items in sync (the default shows only those that deviate).
    package init(report: DriftReport, baseline: BaselineReference, wallClockOffset: Double, all: Bool = false) {
        formatVersion = 1
        self.baseline = Reference(path: baseline.path, sha256: baseline.sha256)
        summary = Dictionary(uniqueKeysWithValues: report.summary.map { ($0.key.rawValue, $0.value) })
        incomplete = Dictionary(uniqueKeysWithValues: report.unobserved.map { ($0.key.rawValue, $0.value) })
        exitCode = Int(report.exitCode)
        items = report.items.filter { all || $0.deviates }.map { item in
            Item(
                kind: item.kind.rawValue, id: item.id, status: item.status.rawValue, intent: item.intent.rawValue,
                declared: item.declared.map(Self.fields), actual: item.actual.map(Self.fields),
                changes: item.changes.map { Change(path: $0.path, from: $0.from, to: $0.to) },
                deadline: item.deadline.map { Timestamp(secondsSinceEpoch: $0.secondsSinceEpoch + wallClockOffset).rfc3339 },
                effect: item.effect?.rawValue, acceptedPending: item.acceptedPending, note: item.note,
                progress: item.progress, etaSeconds: item.etaSeconds)
        }
    }

    static func fields(_ item: BaselineItem) -> [String: String] {
        var fields = item.attributes
        fields["id"] = item.id
        if let slot = item.slot { fields["slot"] = slot }
        if let name = item.name { fields["name"] = name }
        return fields
    }

    package func json() -> [UInt8] {
        var writer = JSONWriter()
        writer.object { root in
            root.key("baseline")
            root.object { reference in
                reference.key("path"); reference.string(baseline.path)
                reference.key("sha256"); reference.string(baseline.sha256)
            }
            root.key("exit_code"); root.number(Double(exitCode))
            root.key("format_version"); root.number(Double(formatVersion))
            root.key("incomplete")
            root.object { map in
                for (kind, why) in incomplete.sorted(by: { $0.key < $1.key }) { map.key(kind); map.string(why) }
            }
            root.key("items")
            root.array { list in
                for item in items {
                    list.object { entry in
                        entry.key("accepted_pending"); entry.bool(item.acceptedPending)
                        entry.key("actual"); entry.optional(item.actual) { Self.write($1, to: &$0) }
                        entry.key("changes"); Change.write(item.changes, to: &entry)
                        entry.key("deadline"); entry.optional(item.deadline) { $0.string($1) }
                        entry.key("declared"); entry.optional(item.declared) { Self.write($1, to: &$0) }
                        entry.key("effect"); entry.optional(item.effect) { $0.string($1) }
                        entry.key("eta_seconds"); entry.optional(item.etaSeconds) { $0.number($1) }
                        entry.key("id"); entry.string(item.id)
                        entry.key("intent"); entry.string(item.intent)
                        entry.key("kind"); entry.string(item.kind)
                        entry.key("note"); entry.string(item.note)
                        entry.key("progress"); entry.optional(item.progress) { $0.number($1) }
                        entry.key("status"); entry.string(item.status)
                    }
                }
            }
            root.key("summary")
            root.object { map in
                for (status, count) in summary.sorted(by: { $0.key < $1.key }) { map.key(status); map.number(Double(count)) }
            }
        }
        return writer.bytes + [UInt8(ascii: "\n")]
    }

    static func write(_ fields: [String: String], to writer: inout JSONWriter) {
        writer.object { object in
            for (key, value) in fields.sorted(by: { $0.key < $1.key }) { object.key(key); object.string(value) }
        }
    }
}

/// `hostctl diff` for people, like `terraform plan`: one line per deviating item, then a
/// summary line.
///
///     ~ disk wwn-0x5000c500a1…: id wwn-0x5000c500a1… → wwn-0x5000c500b2… (replaced, rebuilding md0 42%, ETA 2h, within 72h)
///     - link eth1: declared, not on the host (missing, degrade)
///     + disk wwn-0x5000…: on the host, not declared (unexpected, warn)
package struct DiffText: Sendable {
    package var color: Bool

    package init(color: Bool) {
        self.color = color
    }

    package func render(_ document: DiffDocument) -> String {
        var out = ""
        for item in document.items {
            let (sign, tint) = switch item.status {
            case "missing": ("-", "31")
            case "unexpected": ("+", "32")
            case "unknown": ("?", "35")
            case "converging": ("~", "36")
            case "in_sync": (" ", "0")
            default: ("~", "33")
            }
            var line = "\(sign) \(item.kind) \(item.id)"
            let changes = item.changes.map { "\($0.path) \($0.from ?? "(none)") → \($0.to ?? "(none)")" }
            let note = item.note == item.status ? "" : item.note
            if !changes.isEmpty {
                line += ": " + changes.joined(separator: ", ")
            } else if !note.isEmpty {
                line += ": " + note
            }
            // The note says the status in its own words where it can (`replaced, rebuilding …`
            // for a converging replacement); otherwise the status comes first.
            var tail: [String]
            if changes.isEmpty || note.isEmpty {
                tail = [item.status]
            } else if note.hasPrefix(item.status) || item.status == "converging" {
                tail = [note]
            } else {
                tail = ["\(item.status), \(note)"]
            }
            if let effect = item.effect { tail.append(effect) }
            if item.acceptedPending { tail.append("accepted-pending") }
            line += " (" + tail.joined(separator: ", ") + ")"
            out += (color ? "\u{1B}[\(tint)m\(line)\u{1B}[0m" : line) + "\n"
        }
        let counts = document.summary.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        let verdict = document.exitCode & 2 != 0 ? "drift" : "in sync"
        out += "\(verdict): \(counts.isEmpty ? "nothing declared" : counts)"
        if !document.incomplete.isEmpty {
            out += "; not observed: " + document.incomplete.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
        }
        return out + "\n"
    }
}
