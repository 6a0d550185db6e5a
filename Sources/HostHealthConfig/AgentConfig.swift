package import HostHealthModel

/// The agent's configuration file, `/etc/hosthealth/hosthealth.yaml`. Every key is optional:
/// `AgentConfig()` is the built-in default the agent runs with when there is no file.
package struct AgentConfig: Sendable, Equatable {
    package var links: LinkConfig
    package var health: HealthOutputConfig
    package var agentCheck = AgentCheckConfig()
    package var arrays: ArrayConfig
    package var disks = DiskConfig()
    package var smart = SmartConfig()
    package var kmsg = KernelLogConfig()
    package var pcie = PCIeConfig()
    package var sensors: SensorConfig
    package var memory = MemoryConfig()
    package var cpu = CPUConfig()
    package var hooks: HookConfig
    package var policy: PolicyConfig
    /// The declared intent (`baseline.yaml`), loaded beside the file by `BaselineLoader`;
    /// nil: no drift judgement.
    package var baseline: LoadedBaseline?
    /// The pool and its drain budget; nil: the host acts on its own verdict alone.
    package var fleet: FleetConfig?

    package init(
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
}

/// `links:` — which links the host cannot do without, and how their health is judged.
package struct LinkConfig: Sendable, Equatable {
    /// `required:` names or globs (`eth0`, `bond*`, `ens[0-9]`), optionally with a minimum
    /// speed. A required link without carrier, or down, fails the host.
    package var required: [RequiredLink]
    /// More carrier changes than this within `flapWindow` make a required link degraded.
    package var flapMaxChanges: Int
    package var flapWindowSeconds: Double
    /// A better state is taken only after it has held this long.
    package var recoverAfterSeconds: Double
    /// A full re-read this often, even without events: catches anything missed and proves the
    /// reader alive.
    package var resyncIntervalSeconds: Double
    /// Link verdicts become `unknown` when the reader has had no good read for this long.
    package var staleAfterSeconds: Double

    package init(
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
package struct RequiredLink: Sendable, Equatable {
    package var pattern: LinkPattern
    package var minSpeedMbps: UInt32?

    package init(pattern: LinkPattern, minSpeedMbps: UInt32? = nil) {
        self.pattern = pattern
        self.minSpeedMbps = minSpeedMbps
    }
}

/// `health:` — how the host state is shown to consumers.
package struct HealthOutputConfig: Sendable, Equatable {
    /// `/health` status code per host state. Consul users map `degraded` to 429 ("warning").
    package var statusCodes: [HealthState: Int]

    package static let defaultStatusCodes: [HealthState: Int] = [
        .ok: 200, .converging: 200, .degraded: 503, .failed: 503, .unknown: 503,
    ]

    /// `/health` status code while an operator has the host in maintenance, whatever its state.
    package var maintenanceStatusCode: Int
    /// `degraded` answers 200 with `x-envoy-degraded`: Envoy's degraded host, which takes
    /// traffic only when the healthy hosts run short.
    package var envoyDegraded: Bool
    /// `unknown` answers with the code of the last known state (and says so) instead of its own.
    package var holdUnknown: Bool

    package init(
        statusCodes: [HealthState: Int] = HealthOutputConfig.defaultStatusCodes, maintenanceStatusCode: Int = 503,
        envoyDegraded: Bool = false, holdUnknown: Bool = false
    ) {
        self.statusCodes = statusCodes
        self.maintenanceStatusCode = maintenanceStatusCode
        self.envoyDegraded = envoyDegraded
        self.holdUnknown = holdUnknown
    }

    package func statusCode(for state: HealthState) -> Int {
        statusCodes[state] ?? Self.defaultStatusCodes[state] ?? 503
    }
}
