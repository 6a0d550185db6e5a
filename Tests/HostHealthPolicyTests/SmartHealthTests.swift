import HostHealthModel
import HostHealthPolicy
import Testing

@Suite("SmartHealth: a verdict from one SMART report")
struct SmartHealthTests {
    func ata(_ attributes: [ATAAttribute], passed: Bool? = true, exit: SmartExitStatus = []) -> SmartReport {
        SmartReport(deviceType: "sat", deviceProtocol: "ATA", exitStatus: exit, passed: passed, ataAttributes: attributes)
    }

    func nvme(_ health: NVMeHealth, passed: Bool = true) -> SmartReport {
        SmartReport(deviceType: "nvme", deviceProtocol: "NVMe", exitStatus: [], passed: passed, nvme: health)
    }

    @Test func healthyATADiskIsOk() {
        let health = SmartHealth(ata([ATAAttribute(id: 5, name: "Reallocated_Sector_Ct", raw: 0)]))
        #expect(health.state == .ok)
        #expect(health.reasons.isEmpty)
        #expect(health.counters["ata_5"] == 0)
    }

    @Test func overallStatusFailedFails() {
        let health = SmartHealth(ata([], passed: false, exit: [.diskFailing]))
        #expect(health.state == .failed)
        #expect(health.reasons == ["SMART overall health: FAILED"])
    }

    @Test func failingExitBitAloneFails() {
        #expect(SmartHealth(ata([], passed: nil, exit: [.diskFailing])).state == .unknown)
        #expect(SmartHealth(ata([ATAAttribute(id: 9, name: "Power_On_Hours", raw: 1)], passed: nil, exit: [.diskFailing])).state == .failed)
    }

    @Test func reallocatedAndPendingSectorsDegrade() {
        let health = SmartHealth(ata([
            ATAAttribute(id: 5, name: "Reallocated_Sector_Ct", raw: 8),
            ATAAttribute(id: 197, name: "Current_Pending_Sector", raw: 2),
            ATAAttribute(id: 198, name: "Offline_Uncorrectable", raw: 0),
        ]))
        #expect(health.state == .degraded)
        #expect(health.reasons == ["reallocated sectors 8", "pending sectors 2"])
    }

    @Test func commandTimeoutCountsOnlyItsLowWord() {
        // Seagate packs three counters into 188's raw value: 0x0001_0001_0000 is no timeouts.
        let health = SmartHealth(ata([ATAAttribute(id: 188, name: "Command_Timeout", raw: 0x0001_0001_0000)]))
        #expect(health.state == .ok)
    }

    @Test func prefailAttributeFailingNowDegrades() {
        let health = SmartHealth(ata(
            [ATAAttribute(id: 1, name: "Raw_Read_Error_Rate", value: 5, threshold: 6, raw: 0, prefailure: true, whenFailed: "now")],
            exit: [.prefailAtThreshold]))
        #expect(health.state == .degraded)
        #expect(health.reasons == ["prefail attribute at threshold: 1 Raw_Read_Error_Rate"])
    }

    @Test func errorLogEntriesAloneAreHistoryNotADegradation() {
        #expect(SmartHealth(ata([ATAAttribute(id: 5, name: "Reallocated_Sector_Ct", raw: 0)], exit: [.errorLogEntries])).state == .ok)
    }

    @Test func selfTestErrorsDegrade() {
        #expect(SmartHealth(ata([ATAAttribute(id: 5, name: "Reallocated_Sector_Ct", raw: 0)], exit: [.selfTestErrors])).state == .degraded)
    }

    @Test func nvmeReliabilityWarningFails() {
        let health = SmartHealth(nvme(NVMeHealth(criticalWarning: 0x04, availableSpare: 100, availableSpareThreshold: 10)))
        #expect(health.state == .failed)
        #expect(health.reasons == ["NVMe critical warning: reliability degraded"])
    }

    @Test func nvmeSpareBelowThresholdDegrades() {
        let health = SmartHealth(nvme(NVMeHealth(criticalWarning: 0, availableSpare: 5, availableSpareThreshold: 10)))
        #expect(health.state == .degraded)
        #expect(health.reasons == ["available spare 5% below threshold 10%"])
    }

    @Test func nvmeEnduranceUsedUpDegrades() {
        #expect(SmartHealth(nvme(NVMeHealth(percentageUsed: 100))).state == .degraded)
        #expect(SmartHealth(nvme(NVMeHealth(percentageUsed: 99))).state == .ok)
    }

    @Test func nvmeMediaErrorsDegradeAndAreCounted() {
        let health = SmartHealth(nvme(NVMeHealth(mediaErrors: 7)))
        #expect(health.state == .degraded)
        #expect(health.counters["nvme_media_errors"] == 7)
    }

    @Test func scsiGrownDefectsDegrade() {
        let report = SmartReport(deviceType: "scsi", passed: true, grownDefects: 56)
        #expect(SmartHealth(report).state == .degraded)
    }

    @Test func outputWithoutDeviceDataIsUnknownWithSmartctlsMessage() {
        let report = SmartReport(exitStatus: [.commandLineError], messages: ["/dev/vda: Unable to detect device type"])
        let health = SmartHealth(report)
        #expect(health.state == .unknown)
        #expect(health.reasons == ["smartctl stopped before reading the disk (command line or device type): /dev/vda: Unable to detect device type"])
        let cannotOpen = SmartHealth(SmartReport(exitStatus: [.openFailed], messages: ["open failed"]))
        #expect(cannotOpen.reasons == ["smartctl could not open the device: open failed"])
    }

    @Test func risingCountersAreNamed() {
        let before = SmartHealth(ata([ATAAttribute(id: 5, name: "Reallocated_Sector_Ct", raw: 8)]))
        let after = SmartHealth(ata([ATAAttribute(id: 5, name: "Reallocated_Sector_Ct", raw: 16)]))
        #expect(after.rises(since: before.counters) == ["ata 5 rose from 8 to 16"])
        #expect(before.rises(since: after.counters).isEmpty)
    }
}
