import Dispatch
import HostHealthAgent
import HostHealthConfig
import HostHealthModel
import Logging

/// libFuzzer calls a synchronous function; the routes are async. Runs `body` to its end.
func runToCompletion(_ body: @escaping @Sendable () async -> Void) {
    let done = DispatchSemaphore(value: 0)
    Task {
        await body()
        done.signal()
    }
    done.wait()
}

/// An engine with one required link and no data yet, as the agent has just after start.
func makeEngine() -> HealthEngine {
    HealthEngine(
        config: AgentConfig(links: LinkConfig(required: [RequiredLink(pattern: LinkPattern("eth*"))])),
        agent: AgentInfo(version: "fuzz"), collectors: [.links],
        logger: Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() }))
}
