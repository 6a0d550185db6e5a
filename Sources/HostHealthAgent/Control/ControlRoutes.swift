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
    /// How long a maintenance change waits for the disk before it answers anyway.
    static let persistWait = Duration.seconds(2)

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
        // Control characters could redraw an operator's terminal or forge lines in `hostctl
        // events`, and reach HAProxy's `maint #…`: refused.
        guard reason.utf8.count <= Self.maxReasonBytes, !reason.unicodeScalars.contains(where: TextFormat.isControl) else {
            return HTTPResponse(
                status: .badRequest,
                text: "reason: one line of at most \(Self.maxReasonBytes) bytes, without control characters\n")
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
        // Break-glass: the drain takes effect first, whatever the disk does; the operator is
        // told when it is not (yet) persisted.
        await engine.setMaintenance(next, by: who)
        switch await store.save(next, waitingAtMost: Self.persistWait) {
        case .saved:
            break
        case .failed(let error):
            warning = "warning: not persisted, will not survive an agent restart: \(error)\n"
        case .pending:
            warning = "warning: in effect, but not yet persisted: the state directory's disk has not answered in "
                + "\(Self.persistWait); it is written when the disk answers\n"
        }
        let text = next.map { "maintenance on: \($0.reason)\n" } ?? "maintenance off\n"
        return HTTPResponse(status: .ok, text: text + warning)
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
