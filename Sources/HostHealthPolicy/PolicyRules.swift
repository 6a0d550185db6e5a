package import HostHealthModel
package import HostHealthConfig

/// The operator's rules as the policy applies them to verdicts: the domain's hold times with the
/// file's laid over, what a device declares, intent and converging capacity.
extension AgentConfig {
    /// How long a component's worse and better states must hold before they are taken: its
    /// domain's settings.
    /// `policy:` may override them per kind and per component.
    package func hysteresis(for id: ComponentID) -> Hysteresis {
        let domain = switch id.kind {
        case .link: Hysteresis(recoverAfterSeconds: links.recoverAfterSeconds)
        case .array: Hysteresis(recoverAfterSeconds: arrays.recoverAfterSeconds)
        case .disk: Hysteresis(recoverAfterSeconds: disks.recoverAfterSeconds)
        case .sensor: Hysteresis(recoverAfterSeconds: sensors.recoverAfterSeconds, worsenAfterSeconds: sensors.forSeconds)
        case .memory: Hysteresis(recoverAfterSeconds: memory.recoverAfterSeconds)
        case .cpu: Hysteresis(recoverAfterSeconds: cpu.recoverAfterSeconds)
        case .pcie: Hysteresis(recoverAfterSeconds: pcie.recoverAfterSeconds)
        }
        return policy.hysteresis(for: id, domain: domain)
    }
}

extension PolicyConfig {
    /// The rule for a verdict: its kind's, then what the device declares, then the file's entry
    /// for it (the operator's file has the last word).
    package func rule(for verdict: Verdict) -> ComponentRule {
        let own = ownRule(for: verdict.id)
        return (kinds[verdict.id.kind] ?? ComponentRule()).overlaid(by: verdict.declared).overlaid(by: own)
    }

    /// The generic step after the domains judge: intent and converging capacity.
    package func apply(to verdict: Verdict) -> Verdict {
        guard verdict.state == .converging else { return verdict }
        let rule = rule(for: verdict)
        var verdict = verdict
        if rule.intent == .immutable {
            verdict.state = .degraded
            verdict.reason = "converging, but the intent is immutable (no movement accepted)"
                + (verdict.reason.isEmpty ? "" : ": " + verdict.reason)
            verdict.capacity = nil
        } else if let share = rule.convergingCapacity {
            verdict.capacity = share
        }
        return verdict
    }

    /// The hold times for a component: the domain's, with the file's `for:` and
    /// `recover_after:` laid over.
    package func hysteresis(for id: ComponentID, domain: Hysteresis) -> Hysteresis {
        let rule = rule(for: id)
        return Hysteresis(
            recoverAfterSeconds: rule.recoverAfterSeconds ?? domain.recoverAfterSeconds,
            worsenAfterSeconds: rule.worsenAfterSeconds ?? domain.worsenAfterSeconds)
    }
}
