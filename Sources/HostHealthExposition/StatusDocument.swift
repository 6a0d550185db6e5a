package import HostHealthModel
package import HostHealthPolicy
internal import HostHealthConfig

/// The status document of `GET /status` and `hostctl status --json`. Field names are a
/// contract with the outside world: add fields, never rename them.
package struct StatusDocument: Sendable, Codable, Equatable {
    package struct Host: Sendable, Codable, Equatable {
        package var state: HealthState
        package var capacity: Double
        package var since: String
        package var maintenance: String?
        package var reasons: [String]
        /// The pool's drain budget; absent without a `fleet:` section.
        package var fleet: Fleet?

        package init(state: HealthState, capacity: Double, since: String, maintenance: String?, reasons: [String], fleet: Fleet? = nil) {
            self.state = state
            self.capacity = capacity
            self.since = since
            self.maintenance = maintenance
            self.reasons = reasons
            self.fleet = fleet
        }

        // `maintenance` is written as null when absent: consumers rely on the key.
        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(state, forKey: .state)
            try container.encode(capacity, forKey: .capacity)
            try container.encode(since, forKey: .since)
            try container.encode(maintenance, forKey: .maintenance)
            try container.encode(reasons, forKey: .reasons)
            try container.encodeIfPresent(fleet, forKey: .fleet)
        }
    }

    /// The host's standing in its pool's drain budget.
    package struct Fleet: Sendable, Codable, Equatable {
        package var pool: String
        /// `idle`, `pending`, `granted`, `denied` or `unavailable` (etcd does not answer).
        package var budget: String
        package var draining: Int?
        package var slots: Int?
        package var members: Int?
        /// Why a worse verdict does not act yet; the host serves at `weight` meanwhile.
        package var heldBack: String?
        package var weight: Double?
        package var error: String?

        enum CodingKeys: String, CodingKey {
            case pool, budget, draining, slots, members
            case heldBack = "held_back"
            case weight, error
        }

        package init(_ standing: FleetStanding, held: HeldBack?) {
            pool = standing.pool
            budget = standing.shownState
            draining = standing.count?.draining
            slots = standing.count?.slots
            members = standing.count?.members
            heldBack = held?.reason
            weight = held?.weight
            error = standing.error
        }

        func write(to object: inout JSONWriter) {
            object.key("budget"); object.string(budget)
            object.key("draining"); object.optional(draining) { $0.number(Double($1)) }
            object.key("error"); object.optional(error) { $0.string($1) }
            object.key("held_back"); object.optional(heldBack) { $0.string($1) }
            object.key("members"); object.optional(members) { $0.number(Double($1)) }
            object.key("pool"); object.string(pool)
            object.key("slots"); object.optional(slots) { $0.number(Double($1)) }
            object.key("weight"); object.optional(weight) { $0.number($1) }
        }
    }

    package struct Component: Sendable, Codable, Equatable {
        package var kind: String
        package var id: String
        package var name: String
        package var state: HealthState
        package var reason: String
        package var since: String?
        package var progress: Double?
        package var etaSeconds: Double?
        package var stale: Bool
        /// The operator's policy ignores it: shown, not counted in the host's verdict. Optional
        /// so documents from agents before policies still decode.
        package var ignored: Bool?
        /// More about the component where its domain has it (a disk's identity and counters).
        package var detail: String?
        /// How it compares with the baseline; absent without one, or for what it does not declare.
        package var drift: Drift?

        enum CodingKeys: String, CodingKey {
            case kind, id, name, state, reason, since, progress
            case etaSeconds = "eta_seconds"
            case stale, ignored
            case detail, drift
        }

        package init(
            kind: String, id: String, name: String, state: HealthState, reason: String,
            since: String? = nil, progress: Double? = nil, etaSeconds: Double? = nil, stale: Bool = false,
            ignored: Bool? = nil, detail: String? = nil
        ) {
            self.ignored = ignored
            self.kind = kind
            self.id = id
            self.name = name
            self.state = state
            self.reason = reason
            self.since = since
            self.progress = progress
            self.etaSeconds = etaSeconds
            self.stale = stale
            self.detail = detail
        }
    }

    /// A component's drift: its status, what changed, and a converging replacement's deadline.
    package struct Drift: Sendable, Codable, Equatable {
        package var status: String
        package var changes: [DiffDocument.Change]
        package var deadline: String?
    }

    package var host: Host
    package var components: [Component]

    package init(host: Host, components: [Component]) {
        self.host = host
        self.components = components
    }

    /// - Parameter details: extra lines by component, from domains that have them.
    package init(report: HealthReport, details: [ComponentID: String] = [:]) {
        host = Host(
            state: report.host.state, capacity: report.host.capacity, since: report.wallTime(report.host.since).rfc3339,
            maintenance: report.host.maintenance, reasons: report.host.reasons,
            fleet: report.fleet.map { Fleet($0, held: report.host.heldBack) })
        var drift: [ComponentID: Drift] = [:]
        for item in report.drift?.items ?? [] {
            guard let id = item.component, drift[id] == nil || item.deviates else { continue }
            drift[id] = Drift(
                status: item.status.rawValue, changes: item.changes.map { DiffDocument.Change(path: $0.path, from: $0.from, to: $0.to) },
                deadline: item.deadline.map { report.wallTime($0).rfc3339 })
        }
        components = report.components.map {
            var component = Component(
                kind: $0.id.kind.rawValue, id: $0.id.description, name: $0.name, state: $0.state,
                reason: $0.reason, since: report.wallTime($0.since).rfc3339, progress: $0.progress,
                etaSeconds: $0.etaSeconds, stale: $0.stale, ignored: $0.ignored, detail: details[$0.id])
            component.drift = drift[$0.id]
            return component
        }
    }
}

/// The body of `GET /health`: the host verdict with each component's state, small enough for
/// a load balancer's health checker to log.
package struct HealthDocument: Sendable, Codable, Equatable {
    package var state: HealthState
    package var capacity: Double
    package var since: String
    package var reasons: [String]
    /// Component id → state.
    package var components: [String: HealthState]
    /// The operator's reason while the host is in maintenance (then the code is 503).
    package var maintenance: String?
    /// Why the drain budget holds a worse verdict back (then the code is as for `ok`).
    package var heldBack: String?

    package init(report: HealthReport) {
        maintenance = report.host.maintenance
        heldBack = report.host.heldBack?.reason
        state = report.host.state
        capacity = report.host.capacity
        since = report.wallTime(report.host.since).rfc3339
        reasons = report.host.reasons
        components = Dictionary(uniqueKeysWithValues: report.components.map { ($0.id.description, $0.state) })
    }
}

extension StatusDocument {
    /// The document as JSON, keys sorted, newline-terminated.
    package func json() -> [UInt8] {
        var writer = JSONWriter()
        writer.object { root in
            root.key("components")
            root.array { list in
                for component in components {
                    list.object { item in
                        if let detail = component.detail { item.key("detail"); item.string(detail) }
                        if let drift = component.drift {
                            item.key("drift")
                            item.object { object in
                                object.key("changes"); DiffDocument.Change.write(drift.changes, to: &object)
                                object.key("deadline"); object.optional(drift.deadline) { $0.string($1) }
                                object.key("status"); object.string(drift.status)
                            }
                        }
                        item.key("eta_seconds"); item.optional(component.etaSeconds) { $0.number($1) }
                        item.key("id"); item.string(component.id)
                        item.key("ignored"); item.bool(component.ignored ?? false)
                        item.key("kind"); item.string(component.kind)
                        item.key("name"); item.string(component.name)
                        item.key("progress"); item.optional(component.progress) { $0.number($1) }
                        item.key("reason"); item.string(component.reason)
                        item.key("since"); item.optional(component.since) { $0.string($1) }
                        item.key("stale"); item.bool(component.stale)
                        item.key("state"); item.string(component.state.rawValue)
                    }
                }
            }
            root.key("host")
            root.object { hostObject in
                hostObject.key("capacity"); hostObject.number(host.capacity)
                if let fleet = host.fleet {
                    hostObject.key("fleet"); hostObject.object { fleet.write(to: &$0) }
                }
                hostObject.key("maintenance"); hostObject.optional(host.maintenance) { $0.string($1) }
                hostObject.key("reasons"); hostObject.array { list in host.reasons.forEach { list.string($0) } }
                hostObject.key("since"); hostObject.string(host.since)
                hostObject.key("state"); hostObject.string(host.state.rawValue)
            }
        }
        return writer.bytes + [UInt8(ascii: "\n")]
    }
}

extension HealthDocument {
    /// The `/health` body as JSON, keys sorted, newline-terminated.
    package func json() -> [UInt8] {
        var writer = JSONWriter()
        writer.object { root in
            root.key("capacity"); root.number(capacity)
            root.key("components")
            root.object { map in
                for (id, state) in components.sorted(by: { $0.key < $1.key }) {
                    map.key(id); map.string(state.rawValue)
                }
            }
            if let heldBack { root.key("held_back"); root.string(heldBack) }
            root.key("maintenance"); root.optional(maintenance) { $0.string($1) }
            root.key("reasons"); root.array { list in reasons.forEach { list.string($0) } }
            root.key("since"); root.string(since)
            root.key("state"); root.string(state.rawValue)
        }
        return writer.bytes + [UInt8(ascii: "\n")]
    }
}
