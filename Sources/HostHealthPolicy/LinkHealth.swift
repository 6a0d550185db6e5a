package import HostHealthModel
package import HostHealthConfig

/// Judges links from one snapshot: required links (by name or glob) that are down or without
/// carrier fail the host, slow or flapping ones degrade it; all other links are shown as `ok`
/// because they are information, not intent.
package struct LinkHealth: Sendable {
    package var config: LinkConfig

    package init(config: LinkConfig) {
        self.config = config
    }

    package static func componentID(_ name: String) -> ComponentID {
        ComponentID(kind: .link, key: name)
    }

    /// Verdicts for every link and for every required pattern that matches none.
    /// `history` must already hold this snapshot's carrier counters.
    package func verdicts(
        links: [String: Link], history: [String: CarrierHistory], now: Timestamp, stale: String?
    ) -> [Verdict] {
        var verdicts: [Verdict] = []
        verdicts.reserveCapacity(links.count + config.required.count)
        var matchedPatterns = Set<LinkPattern>()
        for (name, link) in links {
            let requirement = config.required.first { $0.pattern.matches(name) }
            if let requirement { matchedPatterns.insert(requirement.pattern) }
            var verdict = judge(link, requirement: requirement, history: history[name], now: now)
            if let stale {
                // Only what the host depends on becomes unknown; the host itself carries the
                // reader's reason once, not once per link.
                verdict.stale = true
                if requirement != nil {
                    verdict.state = .unknown
                    verdict.reason = stale
                }
            }
            verdicts.append(verdict)
        }
        var missing = Set<LinkPattern>()
        for requirement in config.required where !matchedPatterns.contains(requirement.pattern) {
            // The same name listed twice is one component.
            guard missing.insert(requirement.pattern).inserted else { continue }
            // Another entry may have claimed the links this one names.
            if links.keys.contains(where: { requirement.pattern.matches($0) }) { continue }
            let id = Self.componentID(requirement.pattern.text)
            verdicts.append(Verdict(
                id: id, name: requirement.pattern.text,
                state: stale == nil ? .failed : .unknown,
                reason: stale ?? (requirement.pattern.isLiteral
                    ? "required link is missing"
                    : "no link matches required pattern '\(requirement.pattern.text)'"),
                stale: stale != nil))
        }
        return verdicts
    }

    func judge(_ link: Link, requirement: RequiredLink?, history: CarrierHistory?, now: Timestamp) -> Verdict {
        let id = Self.componentID(link.name)
        guard let requirement else {
            return Verdict(id: id, name: link.name, state: .ok, reason: "")
        }
        func verdict(_ state: HealthState, _ reason: String) -> Verdict {
            Verdict(id: id, name: link.name, state: state, reason: reason)
        }
        if !link.adminUp {
            return verdict(.failed, "required link is administratively down")
        }
        switch link.operState {
        case .down, .lowerLayerDown, .notPresent:
            return verdict(.failed, link.carrier == false
                ? "required link has no carrier (operstate \(link.operState.rawValue))"
                : "required link is \(link.operState.rawValue)")
        case .unknown, .up, .testing, .dormant:
            break
        }
        if link.carrier == false {
            return verdict(.failed, "required link has no carrier")
        }
        if link.operState == .dormant || link.operState == .testing {
            return verdict(.degraded, "required link is \(link.operState.rawValue)")
        }
        if let history {
            let changes = history.changesInWindow
            if changes > config.flapMaxChanges {
                return verdict(.degraded, "carrier flapping: \(changes) changes in \(TextFormat.duration(config.flapWindowSeconds))")
            }
        }
        if let declared = requirement.minSpeedMbps {
            guard let speed = link.speedMbps else {
                return verdict(.unknown, "speed not reported; \(declared) Mb/s declared")
            }
            if speed < declared {
                return verdict(.degraded, "speed \(speed) Mb/s below declared \(declared) Mb/s")
            }
        }
        return verdict(.ok, "")
    }

}
