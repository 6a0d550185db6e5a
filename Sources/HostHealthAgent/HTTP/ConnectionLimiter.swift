internal import Glibc
internal import Synchronization

/// Bounds open connections, in all and per client, so that one client holding sockets open
/// cannot use up the agent's file descriptors or lock out the load balancers and Prometheus
/// that poll it. A client is an address (an IPv6 client by its /64: one host owns far more
/// addresses than the limit) or, on the control socket, a uid. Root is never capped per client
/// and has slots of its own above what the others may take: break-glass always gets in.
///
/// A full limit does not refuse the newcomer: it evicts the connection that has waited longest
/// without completing a request (then the one idle longest between requests). A slowloris
/// client holding every slot with half-sent requests loses them one by one to whoever connects,
/// and a well-behaved client is refused only when every slot is busy being answered.
final class ConnectionLimiter: Sendable {
    let total: Int
    let perPeer: Int
    /// Slots only a privileged peer (root on the control socket) may take.
    let reserved: Int
    private let state = Mutex(Slots())

    /// One admitted connection: what `enter(_:_:)` and `release(_:)` are called with.
    struct Ticket: Sendable, Hashable {
        fileprivate let id: UInt64
        let peer: String?
        let privileged: Bool
    }

    /// Where a connection is in its exchange, which decides whether it may be evicted.
    enum Phase: Sendable {
        /// Connected, no request completed yet: evicted first, oldest first.
        case awaitingFirstRequest
        /// A request is complete and being answered: never evicted.
        case answering
        /// Answered, waiting for the next request on keep-alive: evicted after the above.
        case awaitingNextRequest
    }

    private struct Slot {
        let ticket: Ticket
        var phase: Phase
        /// When the slot entered its phase, as a sequence number: oldest is smallest.
        var since: UInt64
        let evict: @Sendable () -> Void
    }

    private struct Slots {
        var open: [UInt64: Slot] = [:]
        var byPeer: [String: Int] = [:]
        var next: UInt64 = 0

        mutating func tick() -> UInt64 {
            next += 1
            return next
        }

        /// The slot to give up for a newcomer, among those `eligible` says may go.
        func victim(where eligible: (Slot) -> Bool) -> Slot? {
            var best: Slot?
            for slot in open.values where slot.phase != .answering && eligible(slot) {
                guard let current = best else { best = slot; continue }
                let first = slot.phase == .awaitingFirstRequest, currentFirst = current.phase == .awaitingFirstRequest
                if first != currentFirst ? first : slot.since < current.since { best = slot }
            }
            return best
        }

        mutating func remove(_ id: UInt64) {
            guard let slot = open.removeValue(forKey: id) else { return }
            if let peer = slot.ticket.peer, !slot.ticket.privileged {
                let remaining = byPeer[peer, default: 1] - 1
                byPeer[peer] = remaining > 0 ? remaining : nil
            }
        }
    }

    init(total: Int, perPeer: Int, reserved: Int = 0) {
        self.total = total
        self.perPeer = perPeer
        self.reserved = reserved
    }

    /// Takes a slot for a connection from `peer` (nil: unknown, counted in all only), evicting
    /// another connection when a limit is reached, or refuses it when every connection that
    /// could make room is being answered. `evict` closes this connection if it is evicted in
    /// turn; it is called outside the limiter's lock.
    func admit(_ peer: String?, privileged: Bool = false, evict: @escaping @Sendable () -> Void) -> Ticket? {
        let (ticket, evicted) = state.withLock { slots -> (Ticket?, [Slot]) in
            var evicted: [Slot] = []
            if let peer, !privileged, slots.byPeer[peer, default: 0] >= perPeer {
                guard let victim = slots.victim(where: { $0.ticket.peer == peer }) else { return (nil, []) }
                evicted.append(victim)
            }
            if slots.open.count - evicted.count >= (privileged ? total : total - reserved) {
                // Only root's own may make room in root's reserved slots.
                let taken = evicted.first?.ticket.id
                guard let victim = slots.victim(where: { $0.ticket.id != taken && (privileged || !$0.ticket.privileged) })
                else { return (nil, []) }
                evicted.append(victim)
            }
            for slot in evicted { slots.remove(slot.ticket.id) }
            let ticket = Ticket(id: slots.tick(), peer: peer, privileged: privileged)
            slots.open[ticket.id] = Slot(ticket: ticket, phase: .awaitingFirstRequest, since: ticket.id, evict: evict)
            if let peer, !privileged { slots.byPeer[peer, default: 0] += 1 }
            return (ticket, evicted)
        }
        for slot in evicted { slot.evict() }
        return ticket
    }

    /// Records that a connection moved on in its exchange.
    func enter(_ ticket: Ticket, _ phase: Phase) {
        state.withLock { slots in
            guard slots.open[ticket.id] != nil else { return }
            let since = slots.tick()
            slots.open[ticket.id]?.phase = phase
            slots.open[ticket.id]?.since = since
        }
    }

    /// Gives the slot back; a no-op for a connection already evicted.
    func release(_ ticket: Ticket) {
        state.withLock { $0.remove(ticket.id) }
    }

    /// Connections open now, for tests and status.
    var openCount: Int { state.withLock { $0.open.count } }

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
