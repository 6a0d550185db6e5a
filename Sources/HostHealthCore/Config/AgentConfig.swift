/// The agent's configuration file, `/etc/hosthealth/hosthealth.yaml`. Every key is optional:
/// `AgentConfig()` is the built-in default the agent runs with when there is no file.
public struct AgentConfig: Sendable, Equatable {
    public var links: LinkConfig
    public var health: HealthOutputConfig
    public var arrays: ArrayConfig
    public var disks = DiskConfig()
    public var smart = SmartConfig()
    public var kmsg = KernelLogConfig()
    public var sensors: SensorConfig
    public var hooks: HookConfig
    public var policy: PolicyConfig

    public init(
        links: LinkConfig = LinkConfig(), health: HealthOutputConfig = HealthOutputConfig(),
        arrays: ArrayConfig = ArrayConfig(), sensors: SensorConfig = SensorConfig(), hooks: HookConfig = HookConfig(),
        policy: PolicyConfig = PolicyConfig()
    ) {
        self.links = links
        self.health = health
        self.arrays = arrays
        self.sensors = sensors
        self.hooks = hooks
        self.policy = policy
    }

    /// How long a component's worse and better states must hold before they are taken: its
    /// domain's settings.
    /// `policy:` may override them per kind and per component.
    public func hysteresis(for id: ComponentID) -> Hysteresis {
        let domain = switch id.kind {
        case .link: Hysteresis(recoverAfterSeconds: links.recoverAfterSeconds)
        case .array: Hysteresis(recoverAfterSeconds: arrays.recoverAfterSeconds)
        case .disk: Hysteresis(recoverAfterSeconds: disks.recoverAfterSeconds)
        case .sensor: Hysteresis(recoverAfterSeconds: sensors.recoverAfterSeconds, worsenAfterSeconds: sensors.forSeconds)
        }
        return policy.hysteresis(for: id, domain: domain)
    }
}

/// `links:` — which links the host cannot do without, and how their health is judged.
public struct LinkConfig: Sendable, Equatable {
    /// `required:` names or globs (`eth0`, `bond*`, `ens[0-9]`), optionally with a minimum
    /// speed. A required link without carrier, or down, fails the host.
    public var required: [RequiredLink]
    /// More carrier changes than this within `flapWindow` make a required link degraded.
    public var flapMaxChanges: Int
    public var flapWindowSeconds: Double
    /// A better state is taken only after it has held this long.
    public var recoverAfterSeconds: Double
    /// A full re-read this often, even without events: catches anything missed and proves the
    /// reader alive.
    public var resyncIntervalSeconds: Double
    /// Link verdicts become `unknown` when the reader has had no good read for this long.
    public var staleAfterSeconds: Double

    public init(
        required: [RequiredLink] = [], flapMaxChanges: Int = 6, flapWindowSeconds: Double = 300,
        recoverAfterSeconds: Double = 10, resyncIntervalSeconds: Double = 60,
        staleAfterSeconds: Double = 180
    ) {
        self.required = required
        self.flapMaxChanges = flapMaxChanges
        self.flapWindowSeconds = flapWindowSeconds
        self.recoverAfterSeconds = recoverAfterSeconds
        self.resyncIntervalSeconds = resyncIntervalSeconds
        self.staleAfterSeconds = staleAfterSeconds
    }
}

/// One `links.required` entry: a name or glob, and the speed the operator declared for it.
public struct RequiredLink: Sendable, Equatable {
    public var pattern: LinkPattern
    public var minSpeedMbps: UInt32?

    public init(pattern: LinkPattern, minSpeedMbps: UInt32? = nil) {
        self.pattern = pattern
        self.minSpeedMbps = minSpeedMbps
    }
}

/// `health:` — how the host state is shown to consumers.
public struct HealthOutputConfig: Sendable, Equatable {
    /// `/health` status code per host state. Consul users map `degraded` to 429 ("warning").
    public var statusCodes: [HealthState: Int]

    public static let defaultStatusCodes: [HealthState: Int] = [
        .ok: 200, .converging: 200, .degraded: 503, .failed: 503, .unknown: 503,
    ]

    /// `/health` status code while an operator has the host in maintenance, whatever its state.
    public var maintenanceStatusCode: Int

    public init(statusCodes: [HealthState: Int] = HealthOutputConfig.defaultStatusCodes, maintenanceStatusCode: Int = 503) {
        self.statusCodes = statusCodes
        self.maintenanceStatusCode = maintenanceStatusCode
    }

    public func statusCode(for state: HealthState) -> Int {
        statusCodes[state] ?? Self.defaultStatusCodes[state] ?? 503
    }

    /// The host's code: maintenance first, then its state.
    public func statusCode(for host: HostHealth) -> Int {
        host.maintenance != nil ? maintenanceStatusCode : statusCode(for: host.state)
    }
}
