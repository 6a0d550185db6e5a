import Foundation
import HostHealthModel
import LinkReader
import Synchronization
import Testing
internal import HostSystem

/// The collector against the real kernel: each test makes a network namespace of its own with
/// iproute2, puts veth pairs in it and reads them with `LinkCollector(netns:)`. Needs root.
@Suite("LinkCollector: real veth pairs in a network namespace")
struct LinkCollectorNamespaceTests {
    // MARK: dump

    @Test func dumpSeesLoopbackWithKindLoopback() throws {
        let namespace = try TestNamespace.create()
        defer { namespace.delete() }
        let update = try LinkCollector(netns: namespace.path).dump(cause: "scrape")
        let lo = update.links.first { $0.name == "lo" }
        #expect(lo?.kind == "loopback")
        #expect(lo?.index == 1)
    }

    @Test func dumpSeesBothEndsOfAVethPairWithKindVeth() throws {
        let namespace = try TestNamespace.create()
        defer { namespace.delete() }
        try namespace.addVethPair()
        let update = try LinkCollector(netns: namespace.path).dump(cause: "scrape")
        #expect(update.scope == .all)
        #expect(update.cause == "scrape")
        #expect(update.links.map(\.name).sorted() == ["hta", "htb", "lo"])
        #expect(update.links.filter { $0.name.hasPrefix("ht") }.map(\.kind) == ["veth", "veth"])
    }

    /// `x\xff` and `x\xfe`: names the kernel takes, that differ only in bytes that are not
    /// UTF-8. They stay two links, each with its own state.
    @Test func twoNamesThatDifferOnlyInInvalidUTF8AreTwoLinks() throws {
        let namespace = try TestNamespace.create()
        defer { namespace.delete() }
        // Through a batch file: an argument is a String, which cannot hold these bytes.
        let batch = FileManager.default.temporaryDirectory.appendingPathComponent("hhtest-names-\(getpid()).batch")
        try Data(Array("link add x".utf8) + [0xFF] + Array(" type veth peer name x".utf8) + [0xFE]
            + Array("\nlink set x".utf8) + [0xFF] + Array(" up\n".utf8)).write(to: batch)
        defer { try? FileManager.default.removeItem(at: batch) }
        try namespace.ip("-batch", batch.path)
        let links = try LinkCollector(netns: namespace.path).dump(cause: "scrape").links
        #expect(links.map(\.name).sorted() == ["lo", #"x\xfe"#, #"x\xff"#])
        #expect(links.first { $0.name == #"x\xff"# }?.adminUp == true)
        #expect(links.first { $0.name == #"x\xfe"# }?.adminUp == false)
    }

    @Test func dumpReportsTheIndexMTUAndAddressThatIpReports() throws {
        let namespace = try TestNamespace.create()
        defer { namespace.delete() }
        try namespace.addVethPair()
        let update = try LinkCollector(netns: namespace.path).dump(cause: "scrape")
        for name in ["hta", "htb"] {
            let shown = try namespace.show(name)
            let link = try #require(update.links.first { $0.name == name })
            #expect(link.index == shown.ifindex)
            #expect(link.mtu == 1500)
            #expect(shown.mtu == 1500)
            #expect(link.address == shown.address)
            #expect(link.address?.wholeMatch(of: /[0-9a-f]{2}(:[0-9a-f]{2}){5}/) != nil)
        }
    }

    @Test func dumpCarriesStatisticsForEveryLink() throws {
        let namespace = try TestNamespace.create()
        defer { namespace.delete() }
        try namespace.addVethPair()
        let update = try LinkCollector(netns: namespace.path).dump(cause: "scrape")
        #expect(update.links.count == 3)
        for link in update.links {
            #expect(link.statistics != nil, "\(link.name) has no statistics")
        }
    }

    @Test func statisticsDumpCarriesCountersForEveryIndexTheLinkDumpHas() throws {
        let namespace = try TestNamespace.create()
        defer { namespace.delete() }
        try namespace.addVethPair()
        let collector = LinkCollector(netns: namespace.path)
        let indexes = Set(try collector.dump(cause: "scrape").links.map(\.index))
        let update = try collector.dumpStatistics()
        #expect(update.scope == .statistics)
        var counted = Set<Int32>()
        for case .statistics(let index, _) in update.messages { counted.insert(index) }
        #expect(counted == indexes)
        #expect(update.skipped.isEmpty)
    }

    @Test func aRealKernelReplyHasNoTruncatedOrMalformedParts() throws {
        let namespace = try TestNamespace.create()
        defer { namespace.delete() }
        try namespace.addVethPair()
        let update = try LinkCollector(netns: namespace.path).dump(cause: "scrape")
        // A kernel newer than the parser's headers adds attributes it counts as unknown; nothing else.
        #expect(Set(update.skipped.keys).isSubset(of: ["unknown_attribute"]), "skipped: \(update.skipped)")
    }

    @Test func dumpInAMissingNamespaceFailsWithNoSuchFile() {
        let collector = LinkCollector(netns: "/run/netns/hhtest-\(getpid())-missing")
        #expect {
            _ = try collector.dump(cause: "scrape")
        } throws: { error in
            (error as? HostHealthError).map { $0.message.hasPrefix("netlink open failed") && $0.errno == .noSuchFileOrDirectory } == true
        }
    }

    @Test func dumpDuringChurnOfFiftyVethPairsSucceeds() async throws {
        let namespace = try TestNamespace.create()
        defer { namespace.delete() }
        let commands = (0..<50).map { "link add c\($0)a type veth peer name c\($0)b" } + (0..<50).map { "link del c\($0)a" }
        let collector = LinkCollector(netns: namespace.path)
        var dumps = 0
        var sawChurn = false
        // On a loaded machine one batch can run between two dumps: churn again, a few times.
        for _ in 0..<5 where !sawChurn {
            let churn = try namespace.launchBatch(commands)
            repeat {
                let update = try collector.dump(cause: "scrape")
                dumps += 1
                #expect(update.links.contains { $0.name == "lo" })
                sawChurn = sawChurn || update.links.contains { $0.name.hasPrefix("c") }
                await Task.yield()
            } while churn.isRunning
            churn.waitUntilExit()
            #expect(churn.terminationStatus == 0)
        }
        #expect(sawChurn, "no dump of \(dumps) overlapped the churn")
    }

    // MARK: event loop

    @Test func eventLoopBeginsWithACompleteDumpCausedByStart() async throws {
        let namespace = try TestNamespace.create()
        defer { namespace.delete() }
        try namespace.addVethPair()
        try await withEventLoop(in: namespace) { loop in
            try #require(await loop.waitUntil { !$0.updates.isEmpty })
            let first = loop.record().updates[0]
            #expect(first.scope == .all)
            #expect(first.cause == "start")
            #expect(first.links.map(\.name).sorted() == ["hta", "htb", "lo"])
        }
    }

    @Test func aVethPairCreatedWhileRunningArrivesAsAChange() async throws {
        let namespace = try TestNamespace.create()
        defer { namespace.delete() }
        try await withEventLoop(in: namespace) { loop in
            try #require(await loop.waitUntil { !$0.updates.isEmpty })
            try namespace.addVethPair()
            try namespace.ip("link", "set", "hta", "up")
            try namespace.ip("link", "set", "htb", "up")
            let appeared = await loop.waitForUpdate(after: 1) { update in
                update.scope == .changes && update.links.contains { $0.name == "hta" && $0.kind == "veth" }
            }
            #expect(appeared)
            #expect(await loop.waitUntil { $0.links["hta"]?.operState == .up && $0.links["hta"]?.carrier == true })
        }
    }

    @Test func carrierIsLostWhenThePeerGoesDown() async throws {
        let namespace = try TestNamespace.create()
        defer { namespace.delete() }
        try namespace.addVethPair()
        try namespace.ip("link", "set", "hta", "up")
        try namespace.ip("link", "set", "htb", "up")
        try await withEventLoop(in: namespace) { loop in
            try #require(await loop.waitUntil { $0.links["hta"]?.carrier == true })
            let mark = loop.record().updates.count
            try namespace.ip("link", "set", "htb", "down")
            let lost = await loop.waitForUpdate(after: mark) { update in
                update.scope == .changes && update.links.contains { $0.name == "hta" && $0.carrier == false }
            }
            #expect(lost)
            let hta = loop.record().links["hta"]
            #expect(hta?.carrier == false)
            #expect(hta?.adminUp == true)
            #expect(hta?.operState == .lowerLayerDown || hta?.operState == .down, "operstate \(String(describing: hta?.operState))")
        }
    }

    @Test func aDeletedLinkArrivesAsRemoved() async throws {
        let namespace = try TestNamespace.create()
        defer { namespace.delete() }
        try namespace.addVethPair()
        try await withEventLoop(in: namespace) { loop in
            try #require(await loop.waitUntil { $0.links["hta"] != nil })
            let mark = loop.record().updates.count
            try namespace.ip("link", "del", "hta")
            let removed = await loop.waitForUpdate(after: mark) { update in
                update.scope == .changes && update.removedNames.contains("hta")
            }
            #expect(removed)
            // Deleting one end of a veth pair takes the peer with it.
            #expect(await loop.waitUntil { Set($0.links.keys) == ["lo"] })
        }
    }

    @Test func aShortResyncIntervalDeliversIntervalDumps() async throws {
        let namespace = try TestNamespace.create()
        defer { namespace.delete() }
        try await withEventLoop(in: namespace, resyncIntervalSeconds: 0.05) { loop in
            let resynced = await loop.waitForUpdate(after: 1) { update in
                update.scope == .all && update.cause == "interval" && update.links.contains { $0.name == "lo" }
            }
            #expect(resynced)
        }
    }

    @Test func lostEventsAreRecoveredByAFreshDump() async throws {
        let namespace = try TestNamespace.create()
        defer { namespace.delete() }
        // A receive buffer of a few kilobytes overflows (ENOBUFS) under a burst of link events.
        try await withEventLoop(in: namespace, resyncIntervalSeconds: 3600, eventBufferBytes: 4096) { loop in
            try #require(await loop.waitUntil { !$0.updates.isEmpty })
            // Hold the loop inside a delivery while the burst happens.
            loop.stall()
            try namespace.ip("link", "add", "stalla", "type", "veth", "peer", "name", "stallb")
            try #require(await loop.waitUntil { $0.held }, "the event of stalla did not reach the loop")
            let burst = try namespace.launchBatch((0..<300).map { "link add o\($0)a type veth peer name o\($0)b" })
            burst.waitUntilExit()
            loop.release()
            let recovered = await loop.waitForUpdate(after: 1, timeout: .seconds(10)) { update in
                update.scope == .all && update.cause == "overflow"
            }
            #expect(recovered, "no dump followed the lost events")
            // With the fresh dump, every link is known although events were dropped.
            _ = await loop.waitUntil { $0.links.keys.count { $0.hasPrefix("o") } == 600 }
            let known = loop.record().links.keys.count { $0.hasPrefix("o") }
            #expect(known == 600)
        }
    }

    @Test func aNewResyncIntervalTakesEffectWhileRunning() async throws {
        let namespace = try TestNamespace.create()
        defer { namespace.delete() }
        try await withEventLoop(in: namespace, resyncIntervalSeconds: 3600) { loop in
            // After the first dump, so the loop's own setting at its start cannot undo ours.
            try #require(await loop.waitUntil { !$0.updates.isEmpty })
            loop.collector.setResyncInterval(0.05)
            let resynced = await loop.waitForUpdate(after: 1) { update in
                update.scope == .all && update.cause == "interval"
            }
            #expect(resynced, "a reload to a short interval must not wait out the old hour")
        }
    }

    @Test func aResyncIntervalOfThirtyDaysDoesNotCrashTheEventLoop() async throws {
        // `resync_interval: 30d` passes the config parser; the loop must poll in chunks rather
        // than convert 2.6e9 ms to an Int32 poll timeout.
        let namespace = try TestNamespace.create()
        defer { namespace.delete() }
        await #expect(processExitsWith: .success) { [path = namespace.path as String, name = namespace.name as String] in
            let collector = LinkCollector(netns: path)
            var deliveries = 0
            try collector.runEventLoop(resyncIntervalSeconds: 30 * 86_400) { _ in
                deliveries += 1
                if deliveries == 1 {
                    // The start dump arrived. A link added now is an event the loop reads only
                    // after it waited with the thirty-day timeout; its delivery stops the loop.
                    guard (try? TestNamespace(name: name).addVethPair()) != nil else { exit(2) }
                } else {
                    collector.stop()
                }
            }
        }
    }
}

// MARK: - Namespaces and iproute2

/// A network namespace made for one test, at /run/netns/NAME.
struct TestNamespace {
    static let ipPath = ["/usr/sbin/ip", "/sbin/ip", "/bin/ip"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/sbin/ip"
    private static let created = Atomic<Int>(0)

    let name: String
    var path: String { "/run/netns/\(name)" }

    /// Makes `hhtest-<pid>-<n>`, first removing one a crashed run of the same process id left.
    static func create() throws -> TestNamespace {
        let number = created.add(1, ordering: .relaxed).newValue
        let namespace = TestNamespace(name: "hhtest-\(getpid())-\(number)")
        if FileManager.default.fileExists(atPath: namespace.path) { namespace.delete() }
        try run(["netns", "add", namespace.name])
        return namespace
    }

    func delete() {
        _ = try? Self.run(["netns", "delete", name])
    }

    /// `ip -n NAME arguments…`
    @discardableResult
    func ip(_ arguments: String...) throws -> String {
        try Self.run(["-n", name] + arguments)
    }

    /// hta and htb, both down.
    func addVethPair() throws {
        try ip("link", "add", "hta", "type", "veth", "peer", "name", "htb")
    }

    /// What `ip -j link show` says about one link.
    struct ShownLink: Decodable {
        var ifindex: Int32
        var ifname: String
        var mtu: UInt32
        var address: String
    }

    func show(_ link: String) throws -> ShownLink {
        let json = try ip("-j", "link", "show", "dev", link)
        let shown = try JSONDecoder().decode([ShownLink].self, from: Data(json.utf8))
        return try #require(shown.first)
    }

    /// Starts `ip -n NAME -batch -` with `commands` on its standard input and returns at once.
    func launchBatch(_ commands: [String]) throws -> Process {
        let process = Self.process(["-n", name, "-batch", "-"])
        let input = Pipe()
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(Data(commands.joined(separator: "\n").utf8 + [0x0A]))
        try input.fileHandleForWriting.close()
        return process
    }

    /// Runs ip to the end; throws with its standard error when it fails.
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let process = process(arguments)
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        let complaint = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw IPCommandFailed(arguments: arguments, status: process.terminationStatus, standardError: String(decoding: complaint, as: UTF8.self))
        }
        return String(decoding: printed, as: UTF8.self)
    }

    private static func process(_ arguments: [String]) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ipPath)
        process.arguments = arguments
        return process
    }
}

struct IPCommandFailed: Error, CustomStringConvertible {
    var arguments: [String]
    var status: Int32
    var standardError: String

    var description: String {
        "ip \(arguments.joined(separator: " ")) exited \(status): \(standardError)"
    }
}

// MARK: - The event loop on its own thread

/// Runs `body` with the collector's event loop running on a thread of its own, then stops it
/// and waits for the thread to return, also when `body` throws.
private func withEventLoop(
    in namespace: TestNamespace, resyncIntervalSeconds: Double = 60, eventBufferBytes: Int32 = 4 * 1024 * 1024,
    _ body: (EventLoopRecorder) async throws -> Void
) async throws {
    let collector = LinkCollector(netns: namespace.path, eventBufferBytes: eventBufferBytes)
    let loop = EventLoopRecorder.start(collector, resyncIntervalSeconds: resyncIntervalSeconds)
    do {
        try await body(loop)
    } catch {
        _ = await loop.stopAndJoin()
        throw error
    }
    #expect(await loop.stopAndJoin(), "the event loop did not return within 5 s of stop()")
    #expect(loop.record().failure == nil, "the event loop failed: \(String(describing: loop.record().failure))")
}

/// Everything an event loop delivered, and the link state it adds up to.
private final class EventLoopRecorder: Sendable {
    struct Record: Sendable {
        var updates: [LinkUpdate] = []
        /// Links by name: the last `.all` update with the `.changes` since applied on top.
        var links: [String: Link] = [:]
        var failure: HostHealthError?
        var finished = false
        /// The loop is held inside a delivery (`stall()`).
        var held = false
    }

    private struct State {
        var record = Record()
        /// Woken at every change of the record.
        var watchers: [Int: AsyncStream<Void>.Continuation] = [:]
        var nextWatcher = 0
    }

    let collector: LinkCollector
    private let state = Mutex(State())

    private init(collector: LinkCollector) {
        self.collector = collector
    }

    static func start(_ collector: LinkCollector, resyncIntervalSeconds: Double) -> EventLoopRecorder {
        let recorder = EventLoopRecorder(collector: collector)
        let thread = Thread {
            do throws(HostHealthError) {
                try collector.runEventLoop(resyncIntervalSeconds: resyncIntervalSeconds) { recorder.append($0) }
            } catch {
                recorder.change { $0.failure = error }
            }
            recorder.change { $0.finished = true }
        }
        thread.name = "link-event-loop"
        thread.start()
        return recorder
    }

    /// While closed, each delivery blocks the event loop's thread, as a slow consumer would;
    /// the kernel then drops events for the socket.
    private let gate = Mutex<DispatchSemaphore?>(nil)

    /// Closes the gate: the next delivery holds the loop (`Record.held`) until `release()`.
    func stall() {
        gate.withLock { $0 = DispatchSemaphore(value: 0) }
    }

    func release() {
        gate.withLock { gate in
            gate?.signal()
            gate = nil
        }
    }

    private func append(_ update: LinkUpdate) {
        if let closed = gate.withLock({ $0 }) {
            change { $0.held = true }
            closed.wait()
            change { $0.held = false }
        }
        change { record in
            record.updates.append(update)
            if update.scope == .all { record.links = [:] }
            for message in update.messages {
                switch message {
                case .link(let link): record.links[link.name] = link
                case .removed(_, let name): record.links[name] = nil
                case .statistics: break
                }
            }
        }
    }

    func record() -> Record {
        state.withLock { $0.record }
    }

    /// Changes the record and wakes every waiter to look at it.
    private func change(_ body: (inout Record) -> Void) {
        let watchers = state.withLock { state in
            body(&state.record)
            return Array(state.watchers.values)
        }
        for watcher in watchers { watcher.yield() }
    }

    /// Waits until `condition` holds for what was delivered, looking again at each change (no
    /// polling); false after `timeout`, which only bounds a failing test.
    func waitUntil(timeout: Duration = .seconds(5), _ condition: (Record) -> Bool) async -> Bool {
        let (changes, watcher) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { state in
            state.nextWatcher += 1
            state.watchers[state.nextWatcher] = watcher
            return state.nextWatcher
        }
        let deadline = Task {
            try? await Task.sleep(for: timeout)
            watcher.finish()
        }
        defer {
            deadline.cancel()
            _ = state.withLock { $0.watchers.removeValue(forKey: id) }
        }
        if condition(record()) { return true }
        for await _ in changes where condition(record()) {
            return true
        }
        return condition(record())
    }

    /// Waits until an update delivered after the first `mark` ones matches; false after
    /// `timeout`.
    func waitForUpdate(after mark: Int, timeout: Duration = .seconds(5), _ matches: (LinkUpdate) -> Bool) async -> Bool {
        await waitUntil(timeout: timeout) { $0.updates.dropFirst(mark).contains(where: matches) }
    }

    /// Stops the loop and waits for its thread to return.
    func stopAndJoin() async -> Bool {
        collector.stop()
        return await waitUntil { $0.finished }
    }
}

extension LinkUpdate {
    fileprivate var links: [Link] {
        messages.compactMap { if case .link(let link) = $0 { link } else { nil } }
    }

    fileprivate var removedNames: [String] {
        messages.compactMap { if case .removed(_, let name) = $0 { name } else { nil } }
    }
}
