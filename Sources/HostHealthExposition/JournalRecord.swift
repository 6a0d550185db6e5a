internal import HostHealthModel
package import HostHealthPolicy
internal import HostHealthConfig

/// One transition as a line of the on-disk journal (`journal.jsonl`): a JSON object on one
/// line, newline-terminated, keys sorted:
///
///     {"at":1795816440.25,"component":"link:eth0","event":null,"from":"ok","key":"eth0",
///      "kind":"link","name":"eth0","reason":"required link has no carrier","seq":42,
///      "time":"2026-11-27T21:54:00Z","to":"failed","v":1}
///
/// `seq` numbers records across restarts (the agent continues from the last one it reads
/// back), so a gap or a reordering is visible. `at` is exact Unix time; `time` is for people.
/// A JSON string never contains a raw newline, so a record is always one line; a line torn by
/// a crash does not parse and is skipped, never read as something else.
package struct JournalRecord: Sendable, Equatable {
    package var sequence: UInt64
    package var transition: Transition

    package init(sequence: UInt64, transition: Transition) {
        self.sequence = sequence
        self.transition = transition
    }

    package static let version = 1

    /// The record's line, with its newline.
    package func line() -> [UInt8] {
        let transition = transition
        var writer = JSONWriter()
        writer.object { root in
            root.key("at"); root.number(transition.at.secondsSinceEpoch)
            root.key("component"); root.string(transition.component?.description ?? "host")
            root.key("event"); root.optional(transition.event) { $0.string($1) }
            root.key("from"); root.optional(transition.from) { $0.string($1.rawValue) }
            root.key("key"); root.optional(transition.component?.key) { $0.string($1) }
            root.key("kind"); root.optional(transition.component?.kind) { $0.string($1.rawValue) }
            root.key("name"); root.string(transition.name)
            root.key("reason"); root.string(transition.reason)
            root.key("seq"); root.number(Double(sequence))
            root.key("time"); root.string(transition.at.rfc3339)
            root.key("to"); root.string(transition.to.rawValue)
            root.key("v"); root.number(Double(Self.version))
        }
        return writer.bytes + [UInt8(ascii: "\n")]
    }

    /// Reads one line (without its newline); nil for anything that is not a whole record of a
    /// version this agent knows.
    package init?(line: some Collection<UInt8>) {
        guard let value = try? JSONValue(parsing: line),
              value["v"]?.int64 == Int64(Self.version),
              let sequence = value["seq"]?.int64, sequence >= 0,
              let at = value["at"]?.double, at.isFinite,
              let name = value["name"]?.string, let reason = value["reason"]?.string,
              let to = value["to"]?.string.flatMap(HealthState.init(rawValue:))
        else { return nil }
        var from: HealthState?
        if let fromValue = value["from"], !fromValue.isNull {
            guard let state = fromValue.string.flatMap(HealthState.init(rawValue:)) else { return nil }
            from = state
        }
        var component: ComponentID?
        if let kindValue = value["kind"], !kindValue.isNull {
            // A kind this agent does not know (written by a newer one) is not a record it can show.
            guard let kind = kindValue.string.flatMap(ComponentKind.init(rawValue:)), let key = value["key"]?.string else { return nil }
            component = ComponentID(kind: kind, key: key)
        }
        var event: String?
        if let eventValue = value["event"], !eventValue.isNull {
            guard let text = eventValue.string else { return nil }
            event = text
        }
        self.init(
            sequence: UInt64(sequence),
            transition: Transition(
                component: component, name: name, from: from, to: to, reason: reason,
                at: Timestamp(secondsSinceEpoch: at), event: event))
    }
}
