import HostHealthConfig
import HostHealthModel
import Testing

@Suite("health: status codes by host state")
struct HealthOutputConfigTests {
    @Test(arguments: [
        (HealthState.ok, 200), (.converging, 200), (.degraded, 503), (.failed, 503), (.unknown, 503),
    ] as [(HealthState, Int)])
    func healthStatusCodeDefaultsFollowTheDesign(_ state: HealthState, _ code: Int) {
        #expect(HealthOutputConfig().statusCode(for: state) == code)
    }

    @Test func missingStatusCodeFallsBackToTheDefault() {
        #expect(HealthOutputConfig(statusCodes: [.degraded: 429]).statusCode(for: .failed) == 503)
    }
}
