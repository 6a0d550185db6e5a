internal import Glibc
internal import Synchronization

/// Bounds open connections, in all and per client, so that one client holding sockets open
/// cannot use up the agent's file descriptors or lock out the load balancers and Prometheus
/// that poll it. A client is an address (an IPv6 client by its /64: one host owns far more
/// addresses than the limit) or, on the control socket, a uid. Root is never capped per client
/// and has slots of its own above what the others may take: break-glass always gets in.
final class ConnectionLimiter: Sendable {
    let total: Int
    let perPeer: Int
    /// Slots only a privileged peer (root on the control socket) may take.
    let reserved: Int
    private let counts = Mutex<(open: Int, byPeer: [String: Int])>((0, [:]))

    init(total: Int, perPeer: Int, reserved: Int = 0) {
        self.total = total
        self.perPeer = perPeer
        self.reserved = reserved
    }

    /// Takes a slot for a connection from `peer` (nil: unknown, counted in all only), or
    /// refuses it.
    func admit(_ peer: String?, privileged: Bool = false) -> Bool {
        counts.withLock { counts in
            guard counts.open < (privileged ? total : total - reserved) else { return false }
            if let peer, !privileged {
                let current = counts.byPeer[peer, default: 0]
                guard current < perPeer else { return false }
                counts.byPeer[peer] = current + 1
            }
            counts.open += 1
            return true
        }
    }

    func release(_ peer: String?, privileged: Bool = false) {
        counts.withLock { counts in
            counts.open -= 1
            if let peer, !privileged {
                let remaining = counts.byPeer[peer, default: 1] - 1
                counts.byPeer[peer] = remaining > 0 ? remaining : nil
            }
        }
    }

    /// The client an address counts as: an IPv4 address itself (also when IPv4-mapped), an
    /// IPv6 address by its /64.
    static func client(ofAddress address: String) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard address.contains(":"), inet_pton(AF_INET6, address, &bytes) == 1 else { return address }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return bytes[12...].map(String.init).joined(separator: ".")
        }
        return stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":") + "::/64"
    }
}
