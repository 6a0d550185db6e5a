import HostHealthModel
import Testing

@Suite("Disk, SMART and kernel-log folds")
struct DiskFoldTests {
    let t0 = FoldFixtures.t0

    func disks(_ names: String..., cause: String = "uevent") -> DiskUpdate {
        DiskUpdate(disks: Dictionary(uniqueKeysWithValues: names.map { ($0, FoldFixtures.disk($0)) }), cause: cause, events: 1)
    }

    @Test func diskSetReplacesTheDisksAndForgetsSmartOfGoneOnes() {
        var fold = FoldFixtures.fold(.disks, .smart)
        fold.apply(disks("sda", "sdb", cause: "start"), at: t0)
        fold.apply(SmartUpdate(disk: "sdb", attempt: .timedOut(seconds: 30), durationSeconds: 30), at: t0 + 1)
        #expect(fold.smart["sdb"] != nil)
        #expect(fold.apply(disks("sda"), at: t0 + 2) == .data)
        #expect(fold.disks.keys.sorted() == ["sda"])
        #expect(fold.smart["sdb"] == nil)
        #expect(fold.readers[.disks]?.resyncs == 1)
        #expect(fold.readers[.disks]?.events == 2)
    }

    @Test func smartRunForADiskThatWentChangesNothing() {
        var fold = FoldFixtures.fold(.disks, .smart)
        fold.apply(disks("sda"), at: t0)
        let before = fold.readers[.smart]
        #expect(fold.apply(SmartUpdate(disk: "sdz", attempt: .cannotRun("x"), durationSeconds: 0), at: t0) == .nothing)
        #expect(fold.smart["sdz"] == nil)
        #expect(fold.readers[.smart] == before)
    }

    @Test func smartReportWithDataIsASuccess() {
        var fold = FoldFixtures.fold(.smart)
        let report = SmartReport(exitStatus: [], passed: true, messages: [])
        fold.apply(SmartUpdate(disk: "sda", attempt: .report(report), durationSeconds: 0.2), at: t0)
        #expect(fold.smart["sda"]?.attemptedAt == t0)
        #expect(fold.readers[.smart]?.events == 1)
        #expect(fold.readers[.smart]?.lastDurationSeconds == 0.2)
    }

    @Test func smartTimeoutCountsAnErrorWithTheDisksProblem() {
        var fold = FoldFixtures.fold(.smart)
        fold.apply(SmartUpdate(disk: "sda", attempt: .timedOut(seconds: 30), durationSeconds: 30), at: t0)
        let status = fold.readers[.smart]
        #expect(status?.errors == 1)
        #expect(status?.skipped == ["timeout": 1])
        #expect(status?.lastError == "smartctl timed out after 30s and was killed")
    }

    @Test func smartNotInstalledMakesTheReaderUnavailableWithoutAnError() {
        var fold = FoldFixtures.fold(.smart)
        let missing = SmartAttempt.notInstalled("smartctl not found at /usr/sbin/smartctl")
        fold.apply(SmartUpdate(disk: "sda", attempt: missing, durationSeconds: 0), at: t0)
        fold.apply(SmartUpdate(disk: "sdb", attempt: missing, durationSeconds: 0), at: t0)
        let status = fold.readers[.smart]
        #expect(status?.unavailable == "smartctl not found at /usr/sbin/smartctl")
        #expect(status?.errors == 0)
        #expect(status?.lastError == nil)
        #expect(fold.smart["sda"]?.problem == "smartctl not found at /usr/sbin/smartctl")
        // Once smartctl is there, the reader is available again.
        fold.apply(SmartUpdate(disk: "sda", attempt: .cannotRun("permission denied"), durationSeconds: 0), at: t0 + 1)
        #expect(fold.readers[.smart]?.unavailable == nil)
        #expect(fold.readers[.smart]?.errors == 1)
    }

    @Test func kernelLogRecordsWithoutTroubleAreCountersOnly() {
        var fold = FoldFixtures.fold(.kmsg)
        #expect(fold.apply(KernelLogUpdate(records: 7, overwritten: 1), at: t0) == .counters)
        #expect(fold.readers[.kmsg]?.events == 7)
        #expect(fold.readers[.kmsg]?.skipped == ["overwritten": 1])
        #expect(fold.readers[.kmsg]?.lastSuccess == t0)
    }

    @Test func kernelLogTroubleIsCountedBySubject() {
        var fold = FoldFixtures.fold(.kmsg)
        let trouble = DiskTrouble(kind: .ioError, subject: "sda")
        #expect(fold.apply(KernelLogUpdate(troubles: [trouble, trouble], records: 2), at: t0) == .data)
        #expect(fold.kernelDiskErrors.bySubject == ["sda": [.ioError: 2]])
    }
}
