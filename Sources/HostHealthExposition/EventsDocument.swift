package import HostHealthModel
package import HostHealthPolicy
internal import HostHealthConfig

/// The body of `GET /events` and what `hostctl events --json` prints: transitions, oldest
/// first. Field names are a contract, like the status document's.
package struct EventsDocument: Sendable, Codable, Equatable {
    package struct Event: Sendable, Codable, Equatable {
        package var time: String
        /// The component's id, or `host`.
        package var component: String
        package var kind: String?
        package var name: String
        package var from: HealthState?
        package var to: HealthState
        package var reason: String
        /// The domain's name for what happened (mdadm's for arrays; `MaintenanceOn`/`Off`).
        package var event: String?
        /// The journal's record number (see `JournalRecord`); nil for a transition not journaled.
        package var seq: UInt64?

        package init(_ transition: Transition, sequence: UInt64? = nil) {
            seq = sequence
            time = transition.at.rfc3339
            component = transition.component?.description ?? "host"
            kind = transition.component?.kind.rawValue
            name = transition.name
            from = transition.from
            to = transition.to
            reason = transition.reason
            event = transition.event
        }
    }

    package var events: [Event]

    package init(_ transitions: [Transition]) {
        events = transitions.map { Event($0) }
    }

    package init(records: [JournalRecord]) {
        events = records.map { Event($0.transition, sequence: $0.sequence) }
    }

    /// The document as JSON, keys sorted, newline-terminated.
    package func json() -> [UInt8] {
        var writer = JSONWriter()
        writer.object { root in
            root.key("events")
            root.array { list in
                for event in events {
                    list.object { item in
                        item.key("component"); item.string(event.component)
                        item.key("event"); item.optional(event.event) { $0.string($1) }
                        item.key("from"); item.optional(event.from) { $0.string($1.rawValue) }
                        item.key("kind"); item.optional(event.kind) { $0.string($1) }
                        item.key("name"); item.string(event.name)
                        item.key("reason"); item.string(event.reason)
                        item.key("seq"); item.optional(event.seq) { $0.number(Double($1)) }
                        item.key("time"); item.string(event.time)
                        item.key("to"); item.string(event.to.rawValue)
                    }
                }
            }
        }
        return writer.bytes + [UInt8(ascii: "\n")]
    }
}
