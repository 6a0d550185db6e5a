import Foundation
import HostHealthAgent
import HostHealthModel
import HostHealthConfig
import HostHealthExposition
import LinkReader
import Logging
import NIOHTTP1
import Synchronization
import Testing
import HostHealthPolicy

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let seconds = Mutex<Double>(1_795_816_440)
    var now: Timestamp { Timestamp(secondsSinceEpoch: seconds.withLock { $0 }) }
    func advance(_ delta: Double) { seconds.withLock { $0 += delta } }
}

func link(_ name: String, index: Int32, operState: OperState = .up, carrier: Bool = true, speed: UInt32? = 10_000) -> Link {
    Link(
        index: index, name: name, kind: "veth", operState: operState, adminUp: true, carrier: carrier,
        carrierChanges: carrier ? 1 : 2, mtu: 1500, statistics: LinkStatistics(), speedMbps: speed)
}

func dump(_ links: [Link]) -> LinkUpdate {
    LinkUpdate(scope: .all, messages: links.map { .link($0) }, skipped: [:], events: 0, durationSeconds: 0.001, cause: "start")
}

func makeEngine(_ config: AgentConfig, clock: TestClock) -> HealthEngine {
    HealthEngine(
        config: config, agent: AgentInfo(version: "test"), collectors: [.links],
        logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), clock: { clock.now }, wallClock: { clock.now })
}

func request(_ path: String, accept: String? = nil) -> HTTPRequestHead {
    var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path)
    if let accept { head.headers.add(name: "Accept", value: accept) }
    return head
}

func healthState(_ response: HTTPResponse) throws -> String {
    let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
    return try #require(object?["state"] as? String)
}

@Suite struct HealthEndpointTests {
    let clock = TestClock()

    func config(_ required: [RequiredLink], codes: [HealthState: Int] = HealthOutputConfig.defaultStatusCodes) -> AgentConfig {
        AgentConfig(links: LinkConfig(required: required, recoverAfterSeconds: 10), health: HealthOutputConfig(statusCodes: codes))
    }

    @Test func okHostAnswers200() async throws {
        let engine = makeEngine(config([RequiredLink(pattern: LinkPattern("eth0"))]), clock: clock)
        await engine.apply(dump([link("eth0", index: 2)]))
        let response = await Routes(engine: engine).respond(to: request("/health"))
        #expect(response.status == .ok)
        #expect(try healthState(response) == "ok")
    }

    @Test func failedHostAnswers503() async throws {
        let engine = makeEngine(config([RequiredLink(pattern: LinkPattern("eth0"))]), clock: clock)
        await engine.apply(dump([link("eth0", index: 2, operState: .lowerLayerDown, carrier: false)]))
        let response = await Routes(engine: engine).respond(to: request("/health"))
        #expect(response.status == .serviceUnavailable)
        #expect(try healthState(response) == "failed")
    }

    @Test func degradedHostAnswers503ByDefault() async throws {
        let engine = makeEngine(config([RequiredLink(pattern: LinkPattern("eth0"), minSpeedMbps: 25_000)]), clock: clock)
        await engine.apply(dump([link("eth0", index: 2, speed: 10_000)]))
        let response = await Routes(engine: engine).respond(to: request("/health"))
        #expect(response.status == .serviceUnavailable)
        #expect(try healthState(response) == "degraded")
    }

    @Test func degradedMapsToAConfiguredCode() async throws {
        var codes = HealthOutputConfig.defaultStatusCodes
        codes[.degraded] = 429
        let engine = makeEngine(config([RequiredLink(pattern: LinkPattern("eth0"), minSpeedMbps: 25_000)], codes: codes), clock: clock)
        await engine.apply(dump([link("eth0", index: 2, speed: 10_000)]))
        let response = await Routes(engine: engine).respond(to: request("/health"))
        #expect(response.status.code == 429)
    }

    @Test func unknownHostAnswers503BeforeTheFirstRead() async throws {
        let engine = makeEngine(config([]), clock: clock)
        await engine.tick()
        let response = await Routes(engine: engine).respond(to: request("/health"))
        #expect(response.status == .serviceUnavailable)
        #expect(try healthState(response) == "unknown")
    }

    @Test func hostWithNoCollectorsIsOkAfterTheFirstTick() async throws {
        let engine = HealthEngine(
            config: AgentConfig(), agent: AgentInfo(version: "test"), collectors: [],
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
            clock: { clock.now }, wallClock: { clock.now })
        #expect(await engine.report.host.state == .unknown)
        await engine.tick()
        #expect(await engine.report.host.state == .ok)
    }

    @Test func aQuietTickStillMovesLiveness() async throws {
        let engine = makeEngine(config([]), clock: clock)
        await engine.apply(dump([link("eth0", index: 2)]))
        clock.advance(20)
        await engine.tick()
        #expect(await engine.secondsSinceEvaluation == 0)
    }

    @Test func staleLinkReaderMakesTheHostUnknown() async throws {
        let engine = makeEngine(config([RequiredLink(pattern: LinkPattern("eth0"))]), clock: clock)
        await engine.apply(dump([link("eth0", index: 2)]))
        clock.advance(LinkConfig().staleAfterSeconds + 1)
        await engine.tick()
        let response = await Routes(engine: engine).respond(to: request("/health"))
        #expect(response.status == .serviceUnavailable)
        #expect(try healthState(response) == "unknown")
    }

    @Test func recoveryWaitsForRecoverAfter() async throws {
        let engine = makeEngine(config([RequiredLink(pattern: LinkPattern("eth0"))]), clock: clock)
        await engine.apply(dump([link("eth0", index: 2, operState: .down, carrier: false)]))
        await engine.apply(LinkUpdate(scope: .changes, messages: [.link(link("eth0", index: 2))], skipped: [:], events: 1))
        #expect(await engine.report.host.state == .failed)
        clock.advance(11)
        await engine.tick()
        #expect(await engine.report.host.state == .ok)
    }

    @Test func livezIs200WhateverTheHostState() async throws {
        let engine = makeEngine(config([RequiredLink(pattern: LinkPattern("eth0"))]), clock: clock)
        await engine.apply(dump([]))
        #expect(await engine.report.host.state == .failed)
        let response = await Routes(engine: engine).respond(to: request("/livez"))
        #expect(response.status == .ok)
    }
}

@Suite struct EndpointTests {
    let clock = TestClock()

    @Test func metricsAreOpenMetricsOnlyWhenAsked() async throws {
        let engine = makeEngine(AgentConfig(), clock: clock)
        await engine.apply(dump([link("eth0", index: 2)]))
        let routes = Routes(engine: engine)
        let text = await routes.respond(to: request("/metrics"))
        #expect(text.contentType.hasPrefix("text/plain; version=0.0.4"))
        #expect(!String(decoding: text.body, as: UTF8.self).contains("# EOF"))
        let open = await routes.respond(to: request("/metrics", accept: "application/openmetrics-text;version=1.0.0,text/plain;q=0.5"))
        #expect(open.contentType.hasPrefix("application/openmetrics-text"))
        #expect(String(decoding: open.body, as: UTF8.self).hasSuffix("# EOF\n"))
    }

    @Test func openMetricsWithWeightZeroIsNotChosen() async throws {
        let routes = Routes(engine: makeEngine(AgentConfig(), clock: clock))
        let response = await routes.respond(to: request("/metrics", accept: "application/openmetrics-text; q=0, text/plain"))
        #expect(response.contentType.hasPrefix("text/plain"))
    }

    @Test func healthBodyFollowsAVerdictChange() async throws {
        let config = AgentConfig(links: LinkConfig(required: [RequiredLink(pattern: LinkPattern("eth0"))], recoverAfterSeconds: 0))
        let engine = makeEngine(config, clock: clock)
        let routes = Routes(engine: engine)
        await engine.apply(dump([link("eth0", index: 2)]))
        #expect(try healthState(await routes.respond(to: request("/health"))) == "ok")
        await engine.apply(LinkUpdate(scope: .changes, messages: [.link(link("eth0", index: 2, operState: .down, carrier: false))], skipped: [:], events: 1))
        #expect(try healthState(await routes.respond(to: request("/health"))) == "failed")
    }

    @Test func statusDocumentListsEveryLink() async throws {
        let engine = makeEngine(AgentConfig(), clock: clock)
        await engine.apply(dump([link("eth0", index: 2), link("eth1", index: 3)]))
        let response = await Routes(engine: engine).respond(to: request("/status"))
        let document = try JSONDecoder().decode(StatusDocument.self, from: Data(response.body))
        #expect(document.components.map(\.id) == ["link:eth0", "link:eth1"])
        #expect(document.host.state == .ok)
    }

    @Test func linkEventsReplaceRenamedLinks() async throws {
        let engine = makeEngine(AgentConfig(), clock: clock)
        await engine.apply(dump([link("eth0", index: 2)]))
        await engine.apply(LinkUpdate(scope: .changes, messages: [.link(link("uplink0", index: 2))], skipped: [:], events: 1))
        let names = await engine.snapshot.links.map { Array($0.keys) }
        #expect(names == ["uplink0"])
    }

    @Test func removedLinksLeaveTheSnapshot() async throws {
        let engine = makeEngine(AgentConfig(), clock: clock)
        await engine.apply(dump([link("eth0", index: 2), link("veth9", index: 9)]))
        await engine.apply(LinkUpdate(scope: .changes, messages: [.removed(index: 9, name: "veth9")], skipped: [:], events: 1))
        #expect(await engine.snapshot.links?["veth9"] == nil)
        #expect(await engine.snapshot.reader("links")?.events == 1)
    }

    @Test func unknownPathsAre404AndOtherMethods405() async throws {
        let routes = Routes(engine: makeEngine(AgentConfig(), clock: clock))
        #expect(await routes.respond(to: request("/nope")).status == .notFound)
        let post = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/health")
        let refused = await routes.respond(to: post)
        #expect(refused.status == .methodNotAllowed)
        #expect(refused.headers.contains { $0.0 == "Allow" && $0.1 == "GET, HEAD" })
    }
}
