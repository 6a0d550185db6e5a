import Foundation
@testable import HostHealthAgent
import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
import HostHealthExposition
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing
import HostSystem

/// `POST /maintenance` on the control socket: who may, what it changes, and what persists.
@Suite struct MaintenanceRouteTests {
    let clock = TestClock()
    let root = PeerCredentials(pid: 1, uid: 0, gid: 0)
    /// A uid that is neither root nor the test's own, in no group that matters.
    let outsider = PeerCredentials(pid: 1, uid: 65534, gid: 65534, groups: [65534])

    func post(_ form: String) -> (HTTPRequestHead, [UInt8]) {
        (HTTPRequestHead(version: .http1_1, method: .POST, uri: "/maintenance"), Array(form.utf8))
    }

    /// Routes as the control socket serves them, on a host whose required eth0 is up.
    func controlRoutes() async -> Routes {
        let engine = makeEngine(AgentConfig(links: LinkConfig(required: [RequiredLink(pattern: LinkPattern("eth0"))])), clock: clock)
        await engine.apply(dump([link("eth0", index: 2)]))
        return Routes(engine: engine, control: ControlRoutes(access: ControlAccess(groupName: "hosthealth-test-absent", agentUID: 4242)))
    }

    @Test func rootPutsTheHostInMaintenance() async throws {
        let routes = await controlRoutes()
        let (head, body) = post("state=on&reason=replacing+sdb")
        let response = await routes.respond(to: head, body: body, peer: root)
        #expect(response.status == .ok)
        #expect(String(decoding: response.body, as: UTF8.self).contains("will not survive an agent restart"), "no state dir: say so")
        #expect(await routes.engine.report.host.maintenance == "replacing sdb")
        #expect(await routes.engine.maintenance?.by == "root")
    }

    @Test func maintenanceAnswers503OnHealthAndMaintToHAProxy() async throws {
        let routes = await controlRoutes()
        let (head, body) = post("state=on&reason=disk+swap")
        _ = await routes.respond(to: head, body: body, peer: root)
        let health = await routes.respond(to: request("/health"))
        #expect(health.status == .serviceUnavailable)
        #expect(try healthState(health) == "ok", "the judged state stays; maintenance is shown on top")
        #expect(AgentCheckReply.line(for: await routes.engine.report.host) == "maint #disk swap\n")
    }

    @Test func maintenanceOffRestoresTheHost() async throws {
        let routes = await controlRoutes()
        let (on, onBody) = post("state=on&reason=x")
        _ = await routes.respond(to: on, body: onBody, peer: root)
        let (off, offBody) = post("state=off")
        #expect(await routes.respond(to: off, body: offBody, peer: root).status == .ok)
        #expect(await routes.respond(to: request("/health")).status == .ok)
        #expect(AgentCheckReply.line(for: await routes.engine.report.host) == "up ready 100%\n")
    }

    /// `form` POSTed by `peer` on a fresh control socket: the answer, and the maintenance after it.
    func posted(_ form: String, by peer: PeerCredentials?) async -> (status: HTTPResponseStatus, text: String, maintenance: Maintenance?) {
        let routes = await controlRoutes()
        let (head, body) = post(form)
        let response = await routes.respond(to: head, body: body, peer: peer)
        return (response.status, String(decoding: response.body, as: UTF8.self), await routes.engine.maintenance)
    }

    @Test func aUserOutsideTheGroupIsRefused() async throws {
        let answer = await posted("state=on&reason=x", by: outsider)
        #expect(answer.status == .forbidden)
        #expect(answer.text.contains("hosthealth-test-absent"))
        #expect(answer.maintenance == nil)
    }

    @Test func aRequestWithoutPeerCredentialsIsRefused() async throws {
        let routes = await controlRoutes()
        let (head, body) = post("state=on&reason=x")
        #expect(await routes.respond(to: head, body: body, peer: nil).status == .forbidden)
    }

    @Test(arguments: ["a%1B%5B2K%0Dmaintenance+off+by+root", "nul%00here", "bell%07", "csi%C2%9B"])
    func aReasonWithControlCharactersIsRefused(_ reason: String) async throws {
        let answer = await posted("state=on&reason=\(reason)", by: root)
        #expect(answer.status == .badRequest)
        #expect(answer.text.contains("without control characters"))
        #expect(answer.maintenance == nil)
    }

    @Test func maintenanceOnWithoutAReasonIsRefused() async throws {
        let routes = await controlRoutes()
        let (head, body) = post("state=on&reason=++")
        #expect(await routes.respond(to: head, body: body, peer: root).status == .badRequest)
        #expect(await routes.engine.maintenance == nil)
    }

    @Test func theWebPortRefusesMaintenance() async throws {
        let engine = makeEngine(AgentConfig(), clock: clock)
        let routes = Routes(engine: engine)
        let (head, body) = post("state=on&reason=x")
        #expect(await routes.respond(to: head, body: body, peer: root).status == .methodNotAllowed)
        #expect(await routes.respond(to: request("/maintenance")).status == .notFound)
    }

    @Test func maintenanceIsAHostTransitionWithANamedEvent() async throws {
        let recorded = TransitionRecorder()
        let engine = HealthEngine(
            config: AgentConfig(), agent: AgentInfo(version: "test"), collectors: [],
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
            clock: { clock.now }, wallClock: { clock.now }, onTransitions: { batch, _ in recorded.add(batch) })
        await engine.tick()
        await engine.setMaintenance(Maintenance(reason: "bios update", since: clock.now, by: "alice"), by: "alice")
        await engine.setMaintenance(nil, by: "bob")
        let events = recorded.all.filter { $0.event != nil }
        #expect(events.map(\.event) == [Maintenance.startEvent, Maintenance.endEvent])
        #expect(events.first?.reason == "maintenance on by alice: bios update")
        #expect(events.last?.reason == "maintenance off by bob (was: bios update)")
        #expect(events.allSatisfy { $0.component == nil && $0.from == .ok && $0.to == .ok })
    }

    @Test func metricsShowMaintenanceAndItsReason() async throws {
        let routes = await controlRoutes()
        let (head, body) = post("state=on&reason=rack+move")
        _ = await routes.respond(to: head, body: body, peer: root)
        let text = String(decoding: await routes.respond(to: request("/metrics")).body, as: UTF8.self)
        #expect(text.contains("hosthealth_maintenance 1\n"))
        #expect(text.contains("hosthealth_maintenance_reason_info{reason=\"rack move\"} 1\n"))
    }
}

/// Collects what the engine hands to the journal.
final class TransitionRecorder: Sendable {
    private let transitions = Mutex<[Transition]>([])
    func add(_ batch: [Transition]) { transitions.withLock { $0 += batch } }
    var all: [Transition] { transitions.withLock { $0 } }
}

@Suite struct ControlAccessTests {
    let access = ControlAccess(groupName: "hosthealth", agentUID: 999)

    @Test func rootMayChangeState() {
        #expect(access.refusal(for: PeerCredentials(pid: 1, uid: 0, gid: 0), groupID: 120) == nil)
    }

    @Test func theAgentsOwnUserMayChangeState() {
        #expect(access.refusal(for: PeerCredentials(pid: 1, uid: 999, gid: 999), groupID: 120) == nil)
    }

    @Test func aSupplementaryGroupMemberMayChangeState() {
        #expect(access.refusal(for: PeerCredentials(pid: 1, uid: 1000, gid: 1000, groups: [27, 120]), groupID: 120) == nil)
    }

    @Test func aPrimaryGroupMemberMayChangeState() {
        #expect(access.refusal(for: PeerCredentials(pid: 1, uid: 1000, gid: 120), groupID: 120) == nil)
    }

    @Test func anyoneElseIsRefusedWithWhatToDo() throws {
        let refusal = try #require(access.refusal(for: PeerCredentials(pid: 1, uid: 1000, gid: 1000, groups: [27]), groupID: 120))
        #expect(refusal.contains("root or as a member of group hosthealth"))
    }

    @Test func withoutTheGroupOnlyRootMay() throws {
        let refusal = try #require(access.refusal(for: PeerCredentials(pid: 1, uid: 1000, gid: 1000), groupID: nil))
        #expect(refusal.contains("does not exist"))
    }

    @Test func groupsAreReadFromTheProcessStatus() {
        let status = "Name:\tbash\nUid:\t1000\t1000\t1000\t1000\nGroups:\t4 24 27 120 \nVmRSS:\t1 kB\n"
        #expect(PeerCredentials.groups(inProcessStatus: status) == [4, 24, 27, 120])
        #expect(PeerCredentials.groups(inProcessStatus: "Groups:\t\n").isEmpty)
    }

    @Test func whenTheProcessIsHiddenTheGroupDatabaseNamesTheUsersGroups() {
        // Under ProtectProc=invisible the agent cannot read another user's /proc/<pid>/status.
        // root is in group root (0) in every group database; `daemon` (uid 1) in Debian's.
        #expect(PeerCredentials.groups(ofUser: 0, primary: 0).contains(0))
        #expect(PeerCredentials.groups(ofUser: 1, primary: 1).contains(1))
        #expect(PeerCredentials.groups(ofUser: 4_000_000_000, primary: 7).isEmpty)
    }

    @Test func theKernelReportsThisProcessAsAPeer() async throws {
        // A real socket pair: SO_PEERCRED on our own connection names our own uid and pid.
        let path = NSTemporaryDirectory() + "hh-peer-\(UUID().uuidString.prefix(8)).sock"
        defer { unlink(path) }
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(unixDomainSocketPath: path) { child in
                child.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child) }
            }
        let client = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(unixDomainSocketPath: path).get()
        defer { client.close(promise: nil) }
        let peer = try await server.executeThenClose { inbound in
            for try await connection in inbound {
                let peer = await PeerCredentials.of(connection.channel)
                try await connection.executeThenClose { _, outbound in outbound.finish() }
                return peer
            }
            return nil
        }
        #expect(peer?.uid == getuid())
        #expect(peer?.pid == getpid())
        #expect(peer?.groups.isEmpty == false || getgroups(0, nil) == 0)
    }
}

@Suite struct MaintenanceStoreTests {
    func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "hosthealth-maint-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func aSavedMaintenanceIsReadBackAfterARestart() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let threads = NIOThreadPool(numberOfThreads: 1)
        threads.start()
        let maintenance = Maintenance(reason: "swap \"sdb\"\nnow", since: Timestamp(secondsSinceEpoch: 1_795_816_440.25), by: "alice")
        try await MaintenanceStore(directory: directory, threads: threads).save(maintenance)
        #expect(try MaintenanceStore(directory: directory, threads: threads).load() == maintenance)
        try await MaintenanceStore(directory: directory, threads: threads).save(nil)
        #expect(try MaintenanceStore(directory: directory, threads: threads).load() == nil)
        try await threads.shutdownGracefully()
    }

    /// The state directory's disk hung (a thread stuck in fsync): the caller gets an answer
    /// in its time, and the write lands once the disk answers.
    @Test func aSaveTheDiskDoesNotAnswerIsPendingAndLandsLater() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let threads = NIOThreadPool(numberOfThreads: 1)
        threads.start()
        let disk = DispatchSemaphore(value: 0)
        let hung = threads.runIfActive(eventLoop: NIOSingletons.posixEventLoopGroup.next()) { disk.wait() }
        let store = MaintenanceStore(directory: directory, threads: threads)
        let maintenance = Maintenance(reason: "psu", since: Timestamp(secondsSinceEpoch: 1_795_816_440), by: "root")
        guard case .pending = await store.save(maintenance, waitingAtMost: .milliseconds(50)) else {
            Issue.record("a save behind a hung disk is pending")
            return
        }
        #expect(try store.load() == nil)
        disk.signal()
        try await hung.get()
        // The thread runs its jobs in order: this one waits for the pending save.
        guard case .saved = await store.save(maintenance, waitingAtMost: .seconds(30)) else {
            Issue.record("a save on a disk that answers is saved")
            return
        }
        #expect(try store.load() == maintenance)
        try await threads.shutdownGracefully()
    }

    @Test func anUnreadableRecordIsAnErrorNotSilence() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "{\"reason\":".write(toFile: directory + "/maintenance.json", atomically: false, encoding: .utf8)
        #expect(throws: HostHealthError.self) { try MaintenanceStore(directory: directory, threads: nil).load() }
    }
}
