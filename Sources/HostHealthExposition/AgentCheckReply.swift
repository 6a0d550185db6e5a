internal import HostHealthModel
package import HostHealthPolicy
package import HostHealthConfig

/// The line HAProxy's agent-check reads: one per connection, `\n`-terminated.
///
/// HAProxy 2.6 (Debian 12) accepts `NN%` weights and rejects `weight:NN`. Only an `up` or
/// `ready` from the agent undoes a `drain` or `down` the agent itself set, so recovery must
/// say them explicitly.
package enum AgentCheckReply {
    package static func line(for host: HostHealth, config: AgentCheckConfig = AgentCheckConfig()) -> String {
        if let reason = host.maintenance {
            return "maint #" + sanitize(reason) + "\n"
        }
        if let held = host.heldBack {
            // `ready` undoes a drain this host's agent set before the budget held it back.
            return "up ready \(percent(held.weight))%\n"
        }
        var host = host
        if host.state == .unknown, config.holdUnknown, let known = host.lastKnown {
            host.state = known.state
            host.capacity = known.capacity
        }
        if host.state == .degraded, let weight = config.degradedWeight {
            return "up ready \(percent(weight))%\n"
        }
        switch host.state {
        case .ok:
            return "up ready 100%\n"
        case .converging:
            return "up ready \(percent(host.capacity))%\n"
        case .degraded:
            return "up drain\n"
        case .failed, .unknown:
            let reason = host.reasons.first ?? host.state.rawValue
            return "down #" + sanitize(reason) + "\n"
        }
    }

    /// A share as HAProxy's weight: 1–100 (0% would drain).
    static func percent(_ share: Double) -> Int {
        max(1, min(100, Int((share * 100).rounded())))
    }

    /// A reason fits on the line: no newlines, bounded length (HAProxy logs it).
    static func sanitize(_ text: String) -> String {
        let cleaned = String(text.map { $0 == "\n" || $0 == "\r" ? " " : $0 })
        guard cleaned.utf8.count > 100 else { return cleaned }
        // Cut on a character boundary so the line stays valid UTF-8.
        var cut = ""
        for character in cleaned {
            if cut.utf8.count + character.utf8.count > 97 { break }
            cut.append(character)
        }
        return cut + "..."
    }
}
