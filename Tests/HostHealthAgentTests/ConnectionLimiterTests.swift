@testable import HostHealthAgent
import Synchronization
import Testing

@Suite("ConnectionLimiter: per client, in all, room for root, and eviction")
struct ConnectionLimiterTests {
    /// Closes recorded per connection, in the order the limiter evicted them.
    final class Evictions: Sendable {
        private let names = Mutex<[String]>([])
        var all: [String] { names.withLock { $0 } }
        func of(_ name: String) -> @Sendable () -> Void { { self.names.withLock { $0.append(name) } } }
    }

    @Test func aClientAtItsCapLosesItsOldestUnfinishedConnectionNotOthers() throws {
        let limiter = ConnectionLimiter(total: 10, perPeer: 2)
        let evicted = Evictions()
        let first = try #require(limiter.admit("uid 1000", evict: evicted.of("first")))
        _ = try #require(limiter.admit("uid 1000", evict: evicted.of("second")))
        _ = try #require(limiter.admit("uid 1001", evict: evicted.of("other")))
        #expect(limiter.admit("uid 1000", evict: evicted.of("third")) != nil)
        #expect(evicted.all == ["first"], "the oldest of that client's, and only that one")
        #expect(limiter.openCount == 3)
        limiter.release(first)
        #expect(limiter.openCount == 3, "releasing an evicted connection gives nothing back twice")
    }

    /// A slowloris client holding every slot with half-sent requests: each newcomer evicts the
    /// oldest of them, never a connection that is being answered.
    @Test func aFullLimitEvictsTheOldestWithoutACompleteRequest() throws {
        let limiter = ConnectionLimiter(total: 3, perPeer: 3)
        let evicted = Evictions()
        let answering = try #require(limiter.admit("192.0.2.1", evict: evicted.of("answering")))
        limiter.enter(answering, .answering)
        let idle = try #require(limiter.admit("192.0.2.2", evict: evicted.of("idle")))
        limiter.enter(idle, .awaitingNextRequest)
        _ = try #require(limiter.admit("192.0.2.3", evict: evicted.of("loris")))
        #expect(limiter.admit("192.0.2.4", evict: evicted.of("new")) != nil)
        #expect(evicted.all == ["loris"], "a connection that never completed a request goes first")
        #expect(limiter.admit("192.0.2.5", evict: evicted.of("newer")) != nil)
        #expect(evicted.all == ["loris", "new"], "then the oldest of those")
        limiter.enter(answering, .awaitingNextRequest)
        limiter.enter(idle, .answering)
        _ = limiter.admit("192.0.2.6", evict: evicted.of("newest"))
        limiter.enter(try #require(limiter.admit("192.0.2.7", evict: evicted.of("last"))), .answering)
        #expect(evicted.all == ["loris", "new", "newer", "newest"])
        #expect(limiter.admit("192.0.2.8", evict: evicted.of("final")) != nil)
        #expect(evicted.all == ["loris", "new", "newer", "newest", "answering"], "then the longest idle on keep-alive")
    }

    @Test func everySlotBeingAnsweredRefusesTheNewcomer() throws {
        let limiter = ConnectionLimiter(total: 2, perPeer: 2)
        let evicted = Evictions()
        for name in ["a", "b"] {
            limiter.enter(try #require(limiter.admit("192.0.2.1", evict: evicted.of(name))), .answering)
        }
        #expect(limiter.admit("192.0.2.1", evict: evicted.of("c")) == nil)
        #expect(limiter.admit("192.0.2.9", evict: evicted.of("d")) == nil)
        #expect(evicted.all.isEmpty)
        #expect(limiter.openCount == 2)
    }

    /// A hosthealth group member holding every connection it may: root's break-glass still
    /// connects, into the slots reserved for it, and is never capped per client.
    @Test func rootGetsInWhenEveryoneElseIsFull() throws {
        let limiter = ConnectionLimiter(total: 8, perPeer: 8, reserved: 2)
        let evicted = Evictions()
        for index in 0..<6 {
            limiter.enter(try #require(limiter.admit("uid 1000", evict: evicted.of("member \(index)"))), .answering)
        }
        #expect(limiter.admit("uid 1001", evict: evicted.of("other")) == nil, "the others may not take the reserved slots")
        let root = try #require(limiter.admit("uid 0", privileged: true, evict: evicted.of("root 1")))
        limiter.enter(root, .answering)
        limiter.enter(try #require(limiter.admit("uid 0", privileged: true, evict: evicted.of("root 2"))), .answering)
        #expect(limiter.admit("uid 0", privileged: true, evict: evicted.of("root 3")) == nil, "the total still holds")
        limiter.release(root)
        #expect(limiter.admit("uid 0", privileged: true, evict: evicted.of("root 4")) != nil)
        #expect(evicted.all.isEmpty)
    }

    @Test func aMemberCannotEvictRootToTakeAReservedSlot() throws {
        let limiter = ConnectionLimiter(total: 2, perPeer: 2, reserved: 1)
        let evicted = Evictions()
        _ = try #require(limiter.admit("uid 1000", evict: evicted.of("member")))
        _ = try #require(limiter.admit("uid 0", privileged: true, evict: evicted.of("root")))
        #expect(limiter.admit("uid 1001", evict: evicted.of("other")) != nil)
        #expect(evicted.all == ["member"])
    }

    @Test(arguments: [
        ("192.0.2.7", "192.0.2.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb:cccc:dddd:eeee", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("not an address", "not an address"),
    ])
    func anIPv6ClientIsItsSlash64(_ address: String, _ client: String) {
        #expect(ConnectionLimiter.client(ofAddress: address) == client)
    }
}
