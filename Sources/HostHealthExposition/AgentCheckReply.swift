internal import HostHealthModel
package import HostHealthPolicy
package import HostHealthConfig

/// The line HAProxy's agent-check reads: one per connection, `\n`-terminated.
///
/// HAProxy 2.6 (Debian 12) accepts `NN%` weights and rejects `weight:NN`. Only an `up` or
/// `ready` from the agent undoes a `drain` or `down` the agent itself set, so recovery must
/// say them explicitly.
package enum AgentCheckReply {
    /// What the agent tells HAProxy, before it is written as a line.
    enum Answer: Equatable {
        case maint(reason: String)
        case up(percent: Int)
        case drain
        case down(reason: String)
    }

    package static func line(for host: HostHealth, config: AgentCheckConfig = AgentCheckConfig()) -> String {
        switch answer(for: host, config: config) {
        case .maint(let reason): "maint #" + sanitize(reason) + "\n"
        case .up(let percent): "up ready \(percent)%\n"
        case .drain: "up drain\n"
        case .down(let reason): "down #" + sanitize(reason) + "\n"
        }
    }

    static func answer(for host: HostHealth, config: AgentCheckConfig) -> Answer {
        if let reason = host.maintenance { return .maint(reason: reason) }
        // `ready` undoes a drain this host's agent set before the budget held it back.
        if let held = host.heldBack { return .up(percent: percent(held.weight)) }
        var host = host
        if host.state == .unknown, config.holdUnknown, let known = host.lastKnown {
            host.state = known.state
            host.capacity = known.capacity
        }
        switch host.state {
        case .ok: return .up(percent: 100)
        case .converging: return .up(percent: percent(host.capacity))
        case .degraded: return config.degradedWeight.map { .up(percent: percent($0)) } ?? .drain
        case .failed, .unknown: return .down(reason: host.reasons.first ?? host.state.rawValue)
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
