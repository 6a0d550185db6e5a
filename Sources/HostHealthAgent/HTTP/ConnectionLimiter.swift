internal import Synchronization

/// Bounds open HTTP connections, in all and per client address, so that one host holding
/// sockets open cannot use up the agent's file descriptors or lock out the load balancers and
/// Prometheus that poll it.
final class ConnectionLimiter: Sendable {
    let total: Int
    let perPeer: Int
    private let counts = Mutex<(open: Int, byPeer: [String: Int])>((0, [:]))

    init(total: Int, perPeer: Int) {
        self.total = total
        self.perPeer = perPeer
    }

    /// Takes a slot for a connection from `peer` (nil: a Unix socket), or refuses it.
    func admit(_ peer: String?) -> Bool {
        counts.withLock { counts in
            guard counts.open < total else { return false }
            if let peer {
                let current = counts.byPeer[peer, default: 0]
                guard current < perPeer else { return false }
                counts.byPeer[peer] = current + 1
            }
            counts.open += 1
            return true
        }
    }

    func release(_ peer: String?) {
        counts.withLock { counts in
            counts.open -= 1
            if let peer {
                let remaining = counts.byPeer[peer, default: 1] - 1
                counts.byPeer[peer] = remaining > 0 ? remaining : nil
            }
        }
    }
}
