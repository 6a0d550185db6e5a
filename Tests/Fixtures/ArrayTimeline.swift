package import HostHealthModel
package import HostHealthPolicy
package import HostHealthConfig

/// Array fixtures and a clock for judging arrays over time: each test states only its case.
package struct ArrayTimeline {
    package var policy: HealthPolicy
    package var memory = HealthMemory()
    package var now = Fixture.t0
    /// Every transition so far, oldest first.
    package var transitions: [Transition] = []
    package var report: HealthReport?
    /// When the last evaluation said time alone could next change a verdict.
    package var nextChange: Timestamp?

    package init(_ config: ArrayConfig = ArrayConfig(recoverAfterSeconds: 30)) {
        policy = HealthPolicy(config: AgentConfig(arrays: config))
    }

    /// Judges `arrays` at `seconds` after the start.
    @discardableResult
    package mutating func at(_ seconds: Double, _ arrays: MDArray...) -> ComponentHealth? {
        now = Fixture.t0 + seconds
        let evaluation = policy.evaluate(
            previous: memory, snapshot: HostSnapshot(arrays: arrays, readers: [ReaderStatus(name: "arrays", lastSuccess: now)]), now: now)
        memory = evaluation.memory
        transitions += evaluation.transitions
        report = evaluation.report
        nextChange = evaluation.nextChange
        return evaluation.report.components.first
    }

    package func component(_ name: String) -> ComponentHealth? {
        report?.components.first { $0.name == name }
    }

    /// The named events so far, in order.
    package var events: [String] { transitions.compactMap(\.event) }

    package static let uuid = "4f1c0000-0000-0000-0000-000000000001"

    /// A raid1 of sdb1 and sdc1, in sync and idle.
    package static func raid1(name: String = "md0", uuid: String = uuid) -> MDArray {
        MDArray(
            name: name, uuid: uuid, level: "raid1", raidDisks: 2, degraded: 0, arrayState: .clean,
            syncAction: .idle, syncCompleted: .notRunning, mismatchSectors: 0,
            metadataVersion: "1.2", members: [member("sdb1", slot: 0), member("sdc1", slot: 1)])
    }

    /// A raid of `disks` members sda1, sdb1, …, all in sync.
    package static func raid(_ level: String, disks: Int, name: String = "md1", layout: Int? = nil) -> MDArray {
        var array = raid1(name: name, uuid: "\(level)-uuid")
        array.level = level
        array.raidDisks = disks
        array.layout = layout
        let letters = Array("abcdefghij")
        array.members = (0..<disks).map { member("sd\(letters[$0])1", slot: $0) }
        return array
    }

    package static func member(_ name: String, slot: Int?, flags: Set<MemberFlag> = [.inSync], errors: UInt64 = 0) -> MDMember {
        MDMember(name: name, flags: flags, errors: errors, slot: slot)
    }
}

extension MDArray {
    /// sdc1 (slot 1) has failed and left: one disk missing, nothing running.
    package func losingSecondMember() -> MDArray {
        var array = self
        array.degraded = 1
        array.arrayState = .active
        array.members[1] = ArrayTimeline.member(members[1].name, slot: nil, flags: [.faulty])
        return array
    }

    /// Recovering onto sdd1 in slot 1, `ratio` of a million sectors done, at 100 MB/s.
    package func recovering(_ ratio: Double, onto target: String = "sdd1") -> MDArray {
        var array = self
        array.degraded = 1
        array.arrayState = .active
        array.syncAction = .recover
        array.syncCompleted = .sectors(done: UInt64((ratio * 1_000_000).rounded()), total: 1_000_000)
        array.syncSpeedBytesPerSecond = 100_000_000
        array.members = [members[0], ArrayTimeline.member(target, slot: 1, flags: [])]
        return array
    }

    /// The recovery onto `target` finished: back to two in-sync members.
    package func recovered(onto target: String = "sdd1") -> MDArray {
        var array = self
        array.degraded = 0
        array.syncAction = .idle
        array.syncCompleted = .notRunning
        array.syncSpeedBytesPerSecond = nil
        array.members = [members[0], ArrayTimeline.member(target, slot: 1)]
        return array
    }

    package func checking(_ ratio: Double, action: SyncAction = .check) -> MDArray {
        var array = self
        array.arrayState = .active
        array.syncAction = action
        array.syncCompleted = .sectors(done: UInt64((ratio * 1_000_000).rounded()), total: 1_000_000)
        array.syncSpeedBytesPerSecond = 200_000_000
        return array
    }

    package func idle(mismatches: UInt64 = 0, last: SyncAction? = nil) -> MDArray {
        var array = self
        array.syncAction = .idle
        array.syncCompleted = .notRunning
        array.syncSpeedBytesPerSecond = nil
        array.mismatchSectors = mismatches
        array.lastSyncAction = last
        return array
    }
}
