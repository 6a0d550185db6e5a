/// What the operator intends for a layer (DESIGN §1). Under `immutable` no movement is
/// accepted: a component that is converging (healing, rebuilding, renegotiating) counts as
/// degraded. Under `converging`, the default, healing in place is fine.
package enum Intent: String, Sendable, CaseIterable {
    case immutable
    case converging
}

/// The operator's policy for one kind of component or for some components: every field
/// optional, so rules layer (domain default, then kind, then what the device declares, then
/// the matching `components:` entry of the file).
package struct ComponentRule: Sendable, Equatable {
    /// Shown, but never counted in the host's state or capacity.
    package var ignore: Bool?
    package var intent: Intent?
    /// The traffic share while converging, instead of the domain's figure.
    package var convergingCapacity: Double?
    /// `for:` — a worse state is taken only after it has held this long.
    package var worsenAfterSeconds: Double?
    /// `recover_after:` — a better state is taken only after it has held this long.
    package var recoverAfterSeconds: Double?

    package init(
        ignore: Bool? = nil, intent: Intent? = nil, convergingCapacity: Double? = nil,
        worsenAfterSeconds: Double? = nil, recoverAfterSeconds: Double? = nil
    ) {
        self.ignore = ignore
        self.intent = intent
        self.convergingCapacity = convergingCapacity
        self.worsenAfterSeconds = worsenAfterSeconds
        self.recoverAfterSeconds = recoverAfterSeconds
    }

    /// What a device declares through the shipped udev rules: `HOSTHEALTH_IGNORE=1` and
    /// `HOSTHEALTH_INTENT=immutable|converging`. Nil when it declares nothing usable.
    package init?(udevProperties properties: [String: String]) {
        self.init()
        if let text = properties["HOSTHEALTH_IGNORE"] {
            ignore = ["1", "true", "yes"].contains(text.lowercased())
        }
        intent = properties["HOSTHEALTH_INTENT"].flatMap { Intent(rawValue: $0.lowercased()) }
        if self == ComponentRule() { return nil }
    }

    /// This rule with `other`'s fields laid over it where `other` sets them.
    package func overlaid(by other: ComponentRule?) -> ComponentRule {
        guard let other else { return self }
        return ComponentRule(
            ignore: other.ignore ?? ignore, intent: other.intent ?? intent,
            convergingCapacity: other.convergingCapacity ?? convergingCapacity,
            worsenAfterSeconds: other.worsenAfterSeconds ?? worsenAfterSeconds,
            recoverAfterSeconds: other.recoverAfterSeconds ?? recoverAfterSeconds)
    }
}
