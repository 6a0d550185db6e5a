/// The body of `GET /events` and what `hostctl events --json` prints: transitions, oldest
/// first. Field names are a contract, like the status document's.
public struct EventsDocument: Sendable, Codable, Equatable {
    public struct Event: Sendable, Codable, Equatable {
        public var time: String
        /// The component's id, or `host`.
        public var component: String
        public var kind: String?
        public var name: String
        public var from: HealthState?
        public var to: HealthState
        public var reason: String
        /// The domain's name for what happened (mdadm's for arrays; `MaintenanceOn`/`Off`).
        public var event: String?
        /// The journal's record number (see `JournalRecord`); nil for a transition not journaled.
        public var seq: UInt64?

        public init(_ transition: Transition, sequence: UInt64? = nil) {
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

    public var events: [Event]

    public init(_ transitions: [Transition]) {
        events = transitions.map { Event($0) }
    }

    public init(records: [JournalRecord]) {
        events = records.map { Event($0.transition, sequence: $0.sequence) }
    }

    /// The document as JSON, keys sorted, newline-terminated.
    public func json() -> [UInt8] {
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
