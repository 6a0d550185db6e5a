internal import HostHealthModel
internal import NIOCore
internal import NIOHTTP1

/// What only the control socket serves: `POST /maintenance` with the form fields `state=on|off`
/// and `reason=TEXT`, allowed to the peers `access` admits (checked on the kernel's peer
/// credentials). `GET /maintenance` shows the current one to anyone who can connect.
package struct ControlRoutes: Sendable {
    package var access: ControlAccess
    package var store: MaintenanceStore
    /// Longer reasons are refused: they travel in HAProxy's logs and a metric label.
    package static let maxReasonBytes = 200

    package init(access: ControlAccess = ControlAccess(), store: MaintenanceStore = MaintenanceStore()) {
        self.access = access
        self.store = store
    }

    func maintenance(_ head: HTTPRequestHead, body: [UInt8], peer: PeerCredentials?, engine: HealthEngine) async -> HTTPResponse {
        switch head.method {
        case .GET, .HEAD:
            guard let current = await engine.maintenance else { return HTTPResponse(status: .ok, text: "maintenance off\n") }
            return HTTPResponse(
                status: .ok,
                text: "maintenance on since \(current.since.rfc3339) by \(current.by): \(current.reason)\n")
        case .POST:
            break
        default:
            var response = HTTPResponse(status: .methodNotAllowed, text: "use POST with state=on|off&reason=TEXT\n")
            response.headers = [("Allow", "GET, HEAD, POST")]
            return response
        }
        if let refusal = access.refusal(for: peer) {
            return HTTPResponse(status: .forbidden, text: refusal + "\n")
        }
        let form = Routes.parameters(Substring(decoding: body, as: UTF8.self))
        let reason = (form["reason"] ?? "").trimmingSpaces
        guard reason.utf8.count <= Self.maxReasonBytes, !reason.contains(where: { $0.isNewline }) else {
            return HTTPResponse(status: .badRequest, text: "reason: one line of at most \(Self.maxReasonBytes) bytes\n")
        }
        let who = peer?.userName ?? "unknown"
        let next: Maintenance?
        switch form["state"] {
        case "on":
            guard !reason.isEmpty else {
                return HTTPResponse(status: .badRequest, text: "maintenance on needs a reason (--reason TEXT): it is what HAProxy and the journal show\n")
            }
            next = Maintenance(reason: reason, since: WallClock.now(), by: who)
        case "off":
            next = nil
        default:
            return HTTPResponse(status: .badRequest, text: "state: expected on or off\n")
        }
        var warning = store.directory == nil && next != nil
            ? "note: no --state.dir, so this will not survive an agent restart\n" : ""
        do {
            try await store.save(next)
        } catch {
            // Break-glass: the drain still takes effect, but the operator must know it will
            // not survive a restart.
            warning = "warning: not persisted, will not survive an agent restart: \(error)\n"
        }
        await engine.setMaintenance(next, by: who)
        let text = next.map { "maintenance on: \($0.reason)\n" } ?? "maintenance off\n"
        return HTTPResponse(status: .ok, text: text + warning)
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
