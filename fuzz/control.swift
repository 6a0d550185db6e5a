@testable import HostHealthAgent
import HostHealthModel
import NIOHTTP1

/// The control socket's form: the body of `POST /maintenance` (`state=on&reason=replacing+sdb`),
/// from a root peer, so every input reaches the form's decoding and checks. A fresh engine per
/// input keeps one input's maintenance from leaking into the next.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Array(UnsafeBufferPointer(start: data, count: size))
    runToCompletion {
        let routes = Routes(
            engine: makeEngine(), control: ControlRoutes(access: ControlAccess(groupName: "hosthealth-fuzz-absent", agentUID: 4242)))
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/maintenance")
        let response = await routes.respond(to: head, body: body, peer: PeerCredentials(pid: 1, uid: 0, gid: 0))
        if response.status == .ok, let reason = await routes.engine.maintenance?.reason {
            precondition(!reason.isEmpty && reason.utf8.count <= ControlRoutes.maxReasonBytes, "a reason outside the form's limits was accepted")
        }
    }
    return 0
}
