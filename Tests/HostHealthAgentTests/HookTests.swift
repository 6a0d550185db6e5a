import Foundation
@testable import HostHealthAgent
import Spawn
import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
import Logging
import NIOPosix
import Testing
import HostSystem

/// Writes an executable shell script into a fresh directory.
func script(_ body: String) throws -> (path: String, directory: String) {
    let directory = NSTemporaryDirectory() + "hosthealth-hook-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let path = directory + "/hook"
    try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    return (path, directory)
}

func processExists(_ pid: Int32) -> Bool {
    kill(pid, 0) == 0 || errno == EPERM
}

@Suite struct ChildProcessTests {
    @Test func theChildGetsExactlyItsEnvironmentAndItsOutputIsKept() throws {
        let (path, directory) = try script("echo \"$GREETING\"; echo \"HOME=${HOME-unset}\"; echo oops >&2; exit 3")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try ChildProcess(path: path, environment: ["GREETING": "hello", "PATH": "/usr/bin:/bin"], timeoutSeconds: 10).run()
        #expect(result.termination == .exited(3))
        #expect(String(decoding: result.output, as: UTF8.self) == "hello\nHOME=unset\n")
        #expect(String(decoding: result.errorOutput, as: UTF8.self) == "oops\n")
    }

    @Test func aChildThatHangsIsKilledWithItsWholeGroupAtTheTimeout() throws {
        let (path, directory) = try script("sleep 60 &\necho $!\nwait")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try ChildProcess(path: path, environment: ["PATH": "/usr/bin:/bin"], timeoutSeconds: 0.3).run()
        #expect(result.termination == .timedOut)
        #expect(result.seconds >= 0.3 && result.seconds < 60, "not killed before the sleep ended")
        let sleeper = try #require(Int32(String(decoding: result.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
        // The grandchild was in the hook's process group: killed too (reaped by init).
        let deadline = Date().addingTimeInterval(2)
        while processExists(sleeper), Date() < deadline { usleep(10_000) }
        #expect(!processExists(sleeper), "the hook's background sleep \(sleeper) survived the timeout")
    }

    @Test func aProgramThatDoesNotExistIsAFailureThatSaysSo() {
        #expect {
            try ChildProcess(path: "/nonexistent/hook", timeoutSeconds: 1).run()
        } throws: { error in
            (error as? HostHealthError).map { $0.code == .cannotRun && $0.description.contains("no such file") } == true
        }
    }

    @Test func outputBeyondTheLimitIsDroppedWithoutBlockingTheChild() throws {
        let (path, directory) = try script("head -c 200000 /dev/zero")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try ChildProcess(path: path, environment: ["PATH": "/usr/bin:/bin"], timeoutSeconds: 10, outputLimit: 1000).run()
        #expect(result.termination == .exited(0))
        #expect(result.output.count == 1000)
    }
}

@Suite struct HookRunnerTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    let t0 = Timestamp(secondsSinceEpoch: 1_795_816_440)
    let host = HostHealth(state: .failed, capacity: 0, since: Timestamp(secondsSinceEpoch: 1_795_816_440), reasons: ["link eth0: failed"])

    func transition(_ n: Int) -> Transition {
        Transition(component: ComponentID(kind: .link, key: "eth\(n)"), name: "eth\(n)", from: .ok, to: .failed,
                   reason: "required link has no carrier", at: t0, event: n == 0 ? "LinkDown" : nil)
    }

    func waitUntilIdle(_ runner: HookRunner, total: UInt64, seconds: Double = 60) async {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if await runner.runs.total >= total, await runner.running == 0 { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func theHookGetsTheTransitionInItsEnvironment() async throws {
        let (path, directory) = try script("env | grep ^HOSTHEALTH_ | sort > \"$(dirname \"$0\")/env.txt\"")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let threads = NIOThreadPool(numberOfThreads: HookRunner.maxRunning)
        let runner = HookRunner(config: HookConfig(onTransition: path, timeoutSeconds: 5), threads: threads, logger: logger)
        await runner.submit([transition(0)], host: host)
        await waitUntilIdle(runner, total: 1)
        #expect(await runner.runs == HookRuns(ok: 1))
        let env = try String(contentsOfFile: directory + "/env.txt", encoding: .utf8)
        #expect(env == """
            HOSTHEALTH_CAPACITY=0.0
            HOSTHEALTH_COMPONENT=link:eth0
            HOSTHEALTH_EVENT=LinkDown
            HOSTHEALTH_FROM=ok
            HOSTHEALTH_HOST_STATE=failed
            HOSTHEALTH_KIND=link
            HOSTHEALTH_MAINTENANCE=
            HOSTHEALTH_NAME=eth0
            HOSTHEALTH_REASON=required link has no carrier
            HOSTHEALTH_TIME=2026-11-27T21:54:00Z
            HOSTHEALTH_TO=failed

            """)
        try await threads.shutdownGracefully()
    }

    @Test func aHookThatHangsIsKilledAtItsTimeoutAndCounted() async throws {
        let (path, directory) = try script("exec sleep 60")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let threads = NIOThreadPool(numberOfThreads: HookRunner.maxRunning)
        let runner = HookRunner(config: HookConfig(onTransition: path, timeoutSeconds: 0.2), threads: threads, logger: logger)
        await runner.submit([transition(1)], host: host)
        // Killed at 0.2 s: counted as a timeout long before the 60 s sleep or the wait's end.
        await waitUntilIdle(runner, total: 1)
        #expect(await runner.runs == HookRuns(timeout: 1))
        try await threads.shutdownGracefully()
    }

    @Test func aFailingHookIsCounted() async throws {
        let (path, directory) = try script("exit 1")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let threads = NIOThreadPool(numberOfThreads: HookRunner.maxRunning)
        let runner = HookRunner(config: HookConfig(onTransition: "/nonexistent/hook"), threads: threads, logger: logger)
        await runner.submit([transition(1)], host: host)
        await runner.reload(HookConfig(onTransition: path))
        await runner.submit([transition(2)], host: host)
        await waitUntilIdle(runner, total: 2)
        #expect(await runner.runs == HookRuns(failed: 2))
        try await threads.shutdownGracefully()
    }

    @Test func noHookConfiguredRunsNothingAndCountsNothing() async throws {
        let threads = NIOThreadPool(numberOfThreads: 1)
        let runner = HookRunner(config: HookConfig(), threads: threads, logger: logger)
        await runner.submit([transition(1)], host: host)
        #expect(await runner.runs == HookRuns())
        #expect(await runner.configuredRuns == nil)
        try await threads.shutdownGracefully()
    }

    @Test func aBurstOfAThousandTransitionsNeverRunsMoreThanTheBoundAtOnce() async throws {
        // Each run logs its start and end; the order of those lines is the order they happened.
        let (path, directory) = try script("""
            log="$(dirname "$0")/runs.log"
            echo start >> "$log"
            sleep 0.05
            echo end >> "$log"
            """)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let threads = NIOThreadPool(numberOfThreads: HookRunner.maxRunning)
        let runner = HookRunner(config: HookConfig(onTransition: path, timeoutSeconds: 10), threads: threads, logger: logger)
        await runner.submit((0..<1000).map(transition), host: host)
        await waitUntilIdle(runner, total: 1000)
        let runs = await runner.runs
        #expect(runs.total == 1000)
        #expect(runs.ok == UInt64(HookRunner.maxRunning + HookRunner.queueLimit))
        #expect(runs.dropped == 1000 - runs.ok)
        #expect(await runner.peakRunning <= HookRunner.maxRunning)
        var running = 0
        var peak = 0
        for line in try String(contentsOfFile: directory + "/runs.log", encoding: .utf8).split(separator: "\n") {
            running += line == "start" ? 1 : -1
            peak = max(peak, running)
        }
        #expect(peak <= HookRunner.maxRunning, "the hook programs themselves saw \(peak) running at once")
        #expect(peak >= 2, "runs should overlap up to the bound")
        try await threads.shutdownGracefully()
    }
}
