@testable import HostHealthAgent
import Testing

@Suite("ConnectionLimiter: per client, in all, and room for root")
struct ConnectionLimiterTests {
    @Test func aClientIsCappedAndOthersStillGetIn() {
        let limiter = ConnectionLimiter(total: 10, perPeer: 2)
        #expect(limiter.admit("uid 1000") && limiter.admit("uid 1000"))
        #expect(!limiter.admit("uid 1000"))
        #expect(limiter.admit("uid 1001"))
        limiter.release("uid 1000")
        #expect(limiter.admit("uid 1000"))
    }

    /// A hosthealth group member holding every connection it may: root's break-glass still
    /// connects, into the slots reserved for it, and is never capped per client.
    @Test func rootGetsInWhenEveryoneElseIsFull() {
        let limiter = ConnectionLimiter(total: 8, perPeer: 8, reserved: 2)
        for _ in 0..<6 { #expect(limiter.admit("uid 1000")) }
        #expect(!limiter.admit("uid 1001"), "the others may not take the reserved slots")
        #expect(limiter.admit("uid 0", privileged: true))
        #expect(limiter.admit("uid 0", privileged: true))
        #expect(!limiter.admit("uid 0", privileged: true), "the total still holds")
        limiter.release("uid 0", privileged: true)
        #expect(limiter.admit("uid 0", privileged: true))
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
