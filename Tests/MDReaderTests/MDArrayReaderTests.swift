import HostHealthModel
import MDReader
import Testing

@Suite struct MDArrayReaderTests {
    static let raid1: [String: String] = [
        "uuid": "0fbf5f2c-add2-43c2-bd78-a4be3ab709ef", "level": "raid1", "raid_disks": "2", "degraded": "0",
        "array_state": "clean", "sync_action": "idle", "sync_completed": "none", "sync_speed": "none",
        "mismatch_cnt": "0", "chunk_size": "0", "metadata_version": "1.2", "component_size": "1046528",
        "reshape_position": "none", "resync_start": "none",
        "dev-sdb1/state": "in_sync", "dev-sdb1/errors": "0", "dev-sdb1/slot": "0",
        "dev-sdc1/state": "in_sync", "dev-sdc1/errors": "0", "dev-sdc1/slot": "1",
    ]

    func read(_ tree: SysfsTree, _ name: String = "md0") throws -> MDArray {
        try #require(MDArrayReader(sysfsRoot: tree.root).read(name))
    }

    @Test func cleanRaid1ReadsEveryAttribute() throws {
        let array = try read(SysfsTree().array("md0", Self.raid1))
        #expect(array.problem == nil)
        #expect(array.uuid == "0fbf5f2c-add2-43c2-bd78-a4be3ab709ef")
        #expect(array.level == "raid1")
        #expect(array.raidDisks == 2)
        #expect(array.degraded == 0)
        #expect(array.arrayState == .clean)
        #expect(array.syncAction == .idle)
        #expect(array.syncCompleted == .notRunning)
        #expect(array.syncSpeedBytesPerSecond == nil)
        #expect(array.componentSizeBytes == 1_046_528 * 1024)
        #expect(array.reshapePosition == nil)
        #expect(array.metadataVersion == "1.2")
        #expect(array.members == [
            MDMember(name: "sdb1", flags: [.inSync], errors: 0, slot: 0),
            MDMember(name: "sdc1", flags: [.inSync], errors: 0, slot: 1),
        ])
    }

    @Test func recoveryReadsProgressInSectorsAndSpeedInBytes() throws {
        var values = Self.raid1
        values["degraded"] = "1"
        values["array_state"] = "active"
        values["sync_action"] = "recover"
        values["sync_completed"] = "1569888 / 2093056"
        values["sync_speed"] = "117187"
        values["dev-sdc1/state"] = ""
        let array = try read(SysfsTree().array("md0", values))
        #expect(array.problem == nil)
        #expect(array.syncAction == .recover)
        #expect(array.syncCompleted == .sectors(done: 1_569_888, total: 2_093_056))
        #expect(array.syncSpeedBytesPerSecond == 117_187 * 1024)
        #expect(array.members[1].isRecovering)
    }

    @Test func delayedAndPendingSyncsAreData() throws {
        var values = Self.raid1
        values["sync_action"] = "resync"
        values["sync_completed"] = "delayed"
        let delayed = try read(SysfsTree().array("md0", values))
        #expect(delayed.problem == nil)
        #expect(delayed.syncCompleted == .delayed)
        values["sync_completed"] = "PENDING"
        values["array_state"] = "read-auto"
        let pending = try read(SysfsTree().array("md0", values))
        #expect(pending.problem == nil)
        #expect(pending.syncCompleted == .pending)
        #expect(pending.arrayState == .readAuto)
    }

    @Test func reshapeReadsNewAndOldDiskCounts() throws {
        var values = Self.raid1
        values["level"] = "raid5"
        values["raid_disks"] = "4 (3)"
        values["sync_action"] = "reshape"
        values["reshape_position"] = "409600"
        values["layout"] = "2 (2)"
        let array = try read(SysfsTree().array("md0", values))
        #expect(array.problem == nil)
        #expect(array.raidDisks == 4)
        #expect(array.previousRaidDisks == 3)
        #expect(array.reshapePosition == 409_600)
        #expect(array.layout == 2)
    }

    @Test func raid0WithoutRedundancyAttributesReadsWithoutProblem() throws {
        let array = try read(SysfsTree().array("md0", [
            "level": "raid0", "raid_disks": "2", "array_state": "clean", "chunk_size": "524288",
            "dev-sdg/state": "in_sync", "dev-sdh/state": "in_sync",
        ]))
        #expect(array.problem == nil)
        #expect(array.degraded == nil)
        #expect(array.syncAction == nil)
        #expect(array.syncCompleted == nil)
        #expect(array.chunkSizeBytes == 524_288)
    }

    @Test func inactiveContainerWithEmptyRaidDisksIsData() throws {
        let array = try read(SysfsTree().array("md127", [
            "level": "container", "raid_disks": "", "array_state": "inactive",
            "metadata_version": "external:imsm", "uuid": "0e51f6d1-b357-2712-8eaa-31f6f597be6b",
        ]), "md127")
        #expect(array.problem == nil)
        #expect(array.isContainer)
        #expect(array.arrayState == .inactive)
        #expect(array.raidDisks == nil)
        #expect(array.metadataVersion == "external:imsm")
    }

    @Test func brokenArrayStateIsData() throws {
        var values = Self.raid1
        values["array_state"] = "broken"
        let array = try read(SysfsTree().array("md0", values))
        #expect(array.problem == nil)
        #expect(array.arrayState == .broken)
    }

    @Test func memberFlagsErrorsAndSlotNone() throws {
        var values = Self.raid1
        values["dev-sdb1/state"] = "in_sync,write_mostly,want_replacement"
        values["dev-sdb1/errors"] = "17"
        values["dev-sdc1/state"] = "faulty"
        values["dev-sdc1/slot"] = "none"
        values["dev-sdd1/state"] = "spare,some_future_flag"
        values["dev-sdd1/slot"] = "none"
        let array = try read(SysfsTree().array("md0", values))
        #expect(array.problem == nil)
        #expect(array.members[0].flags == [.inSync, .writeMostly, .wantReplacement])
        #expect(array.members[0].errors == 17)
        #expect(array.members[1].isFaulty)
        #expect(array.members[1].slot == nil)
        #expect(array.members[2].flags == [.spare, MemberFlag(rawValue: "some_future_flag")])
    }

    @Test func roleLinkGivesTheSlotWhenTheMemberHasNoSlotFile() throws {
        let tree = SysfsTree().array("md0", ["level": "raid1", "array_state": "clean", "dev-sdb1/state": "in_sync"])
        tree.role("md0", slot: 1, member: "sdb1")
        let array = try read(tree)
        #expect(array.members.first?.slot == 1)
        #expect(array.members.first?.roleUnknown == false)
    }

    @Test func memberWithNeitherSlotFileNorRoleLinkHasAnUnknownRole() throws {
        var values = Self.raid1
        values["dev-sdb1/slot"] = nil
        values["dev-sdc1/slot"] = nil
        let array = try read(SysfsTree().array("md0", values))
        #expect(array.members.map(\.slot) == [nil, nil])
        #expect(array.members.allSatisfy { $0.roleUnknown })
        #expect(array.members.allSatisfy { $0.isInSync })
        #expect(array.problem == nil)
    }

    @Test func memberThatVanishedMidReadIsLeftOut() throws {
        let tree = SysfsTree().array("md0", Self.raid1)
        tree.makeDirectory("block/md0/md/dev-sdx1")
        let array = try read(tree)
        #expect(array.problem == nil)
        #expect(array.members.map(\.name) == ["sdb1", "sdc1"])
    }

    @Test func unparsableValueMarksOnlyItsArray() throws {
        var bad = Self.raid1
        bad["raid_disks"] = "two"
        bad["dev-sdb1/errors"] = "many"
        let tree = SysfsTree().array("md0", bad).array("md1", Self.raid1)
        let arrays = MDArrayReader(sysfsRoot: tree.root).readAll()
        #expect(arrays.map(\.name) == ["md0", "md1"])
        let problem = try #require(arrays[0].problem)
        #expect(problem.contains("raid_disks is 'two'"))
        #expect(problem.contains("dev-sdb1/errors is 'many'"))
        #expect(arrays[0].level == "raid1")
        #expect(arrays[1].problem == nil)
    }

    @Test func unknownStateWordsAreProblems() throws {
        var values = Self.raid1
        values["array_state"] = "sleepy"
        values["sync_action"] = "dance"
        values["sync_completed"] = "12 of 40"
        let problem = try #require(try read(SysfsTree().array("md0", values)).problem)
        #expect(problem.contains("array_state is 'sleepy'"))
        #expect(problem.contains("sync_action is 'dance'"))
        #expect(problem.contains("sync_completed is '12 of 40'"))
    }

    @Test func onlyMdDevicesWithAnMdFolderAreArrays() {
        let tree = SysfsTree().array("md0", Self.raid1).array("md10", Self.raid1).array("md2", Self.raid1)
        tree.makeDirectory("block/md0p1/md")
        tree.makeDirectory("block/sda/md")
        tree.makeDirectory("block/md9")
        #expect(MDArrayReader(sysfsRoot: tree.root).arrayNames() == ["md0", "md2", "md10"])
        #expect(MDArrayReader(sysfsRoot: tree.root).read("md9") == nil)
    }
}

extension MDArrayReaderTests {
    @Test func unreadableAttributeIsAProblemNamingIt() throws {
        var values = Self.raid1
        values.removeValue(forKey: "degraded")
        let tree = SysfsTree().array("md0", values)
        // A folder where the file should be: reading it fails (EISDIR), as an I/O error would.
        tree.makeDirectory("block/md0/md/degraded")
        let array = try read(tree)
        #expect(array.problem == "cannot read degraded: Is a directory")
        #expect(array.level == "raid1")
    }

    @Test func hugeNumbersAreProblemsNotCrashes() throws {
        var values = Self.raid1
        values["raid_disks"] = "18446744073709551615"
        values["component_size"] = "18446744073709551615"
        let problem = try #require(try read(SysfsTree().array("md0", values)).problem)
        #expect(problem.contains("raid_disks is '18446744073709551615', out of range"))
        #expect(problem.contains("component_size is '18446744073709551615', out of range"))
    }
}
