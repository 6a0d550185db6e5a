/// smartctl's exit status as a bit mask (smartctl(8), "RETURN VALUES"): several bits may be set
/// at once, and only some of them say anything about the disk.
package struct SmartExitStatus: OptionSet, Sendable, Equatable, Hashable {
    package let rawValue: Int
    package init(rawValue: Int) { self.rawValue = rawValue }

    /// Bit 0: the command line did not parse.
    package static let commandLineError = SmartExitStatus(rawValue: 1 << 0)
    /// Bit 1: the device could not be opened, or it is in a low-power mode (`--nocheck`).
    package static let openFailed = SmartExitStatus(rawValue: 1 << 1)
    /// Bit 2: a SMART or other command to the disk failed, or its checksum was wrong.
    package static let commandFailed = SmartExitStatus(rawValue: 1 << 2)
    /// Bit 3: SMART status says "DISK FAILING".
    package static let diskFailing = SmartExitStatus(rawValue: 1 << 3)
    /// Bit 4: prefail attributes found at or below their threshold.
    package static let prefailAtThreshold = SmartExitStatus(rawValue: 1 << 4)
    /// Bit 5: status OK, but usage or prefail attributes were at or below threshold in the past.
    package static let pastThreshold = SmartExitStatus(rawValue: 1 << 5)
    /// Bit 6: the device error log has entries.
    package static let errorLogEntries = SmartExitStatus(rawValue: 1 << 6)
    /// Bit 7: the self-test log has errors.
    package static let selfTestErrors = SmartExitStatus(rawValue: 1 << 7)
}

/// One ATA SMART attribute: the normalised value against its threshold, and the raw counter.
package struct ATAAttribute: Sendable, Equatable {
    package var id: Int
    package var name: String
    package var value: Int?
    package var threshold: Int?
    package var raw: Int64?
    package var prefailure: Bool
    /// smartctl's `when_failed`: `now`, `past` or empty.
    package var whenFailed: String

    package init(id: Int, name: String, value: Int? = nil, threshold: Int? = nil, raw: Int64? = nil, prefailure: Bool = false, whenFailed: String = "") {
        self.id = id
        self.name = name
        self.value = value
        self.threshold = threshold
        self.raw = raw
        self.prefailure = prefailure
        self.whenFailed = whenFailed
    }

    /// The attributes whose raw count is a disk losing sectors (Backblaze's and Google's
    /// failure studies): reallocated (5), reported uncorrectable (187), command timeout (188),
    /// pending (197) and offline uncorrectable (198).
    package static let watched: [Int] = [5, 187, 188, 197, 198]
}

/// The NVMe SMART / Health Information log (NVMe base spec, log page 02h).
package struct NVMeHealth: Sendable, Equatable {
    /// Bit 0 spare below threshold, 1 temperature, 2 reliability degraded, 3 read-only,
    /// 4 volatile backup failed, 5 persistent memory region read-only.
    package var criticalWarning: Int
    package var availableSpare: Int?
    package var availableSpareThreshold: Int?
    package var percentageUsed: Int?
    package var mediaErrors: Int64?
    package var errorLogEntries: Int64?
    package var temperatureCelsius: Double?

    package init(
        criticalWarning: Int = 0, availableSpare: Int? = nil, availableSpareThreshold: Int? = nil,
        percentageUsed: Int? = nil, mediaErrors: Int64? = nil, errorLogEntries: Int64? = nil,
        temperatureCelsius: Double? = nil
    ) {
        self.criticalWarning = criticalWarning
        self.availableSpare = availableSpare
        self.availableSpareThreshold = availableSpareThreshold
        self.percentageUsed = percentageUsed
        self.mediaErrors = mediaErrors
        self.errorLogEntries = errorLogEntries
        self.temperatureCelsius = temperatureCelsius
    }
}

/// What one `smartctl --json -a` run said about one disk, reduced to what the verdict and the
/// metrics need. Made by `SmartReport(json:)` from smartctl ≥ 7's JSON.
package struct SmartReport: Sendable, Equatable {
    package var deviceName: String?
    /// smartctl's device type and protocol: `sat`/`ATA`, `nvme`/`NVMe`, `scsi`/`SCSI`.
    package var deviceType: String?
    package var deviceProtocol: String?
    package var model: String?
    package var serial: String?
    package var wwn: String?
    package var firmware: String?
    /// nil when smartctl did not print one (old JSON without `exit_status`).
    package var exitStatus: SmartExitStatus?
    /// `smart_status.passed`: the disk's own overall verdict; nil when not read.
    package var passed: Bool?
    /// The disk was in standby or sleep and was not woken (`--nocheck=standby`).
    package var inStandby: Bool
    /// smartctl's own messages of severity error or warning.
    package var messages: [String]
    package var ataAttributes: [ATAAttribute]
    package var nvme: NVMeHealth?
    /// SCSI: the grown defect list's length (sectors remapped since manufacture).
    package var grownDefects: Int64?
    package var temperatureCelsius: Double?
    package var powerOnHours: Int64?

    package init(
        deviceName: String? = nil, deviceType: String? = nil, deviceProtocol: String? = nil,
        model: String? = nil, serial: String? = nil, wwn: String? = nil, firmware: String? = nil,
        exitStatus: SmartExitStatus? = nil, passed: Bool? = nil, inStandby: Bool = false, messages: [String] = [],
        ataAttributes: [ATAAttribute] = [], nvme: NVMeHealth? = nil, grownDefects: Int64? = nil,
        temperatureCelsius: Double? = nil, powerOnHours: Int64? = nil
    ) {
        self.deviceName = deviceName
        self.deviceType = deviceType
        self.deviceProtocol = deviceProtocol
        self.model = model
        self.serial = serial
        self.wwn = wwn
        self.firmware = firmware
        self.exitStatus = exitStatus
        self.passed = passed
        self.inStandby = inStandby
        self.messages = messages
        self.ataAttributes = ataAttributes
        self.nvme = nvme
        self.grownDefects = grownDefects
        self.temperatureCelsius = temperatureCelsius
        self.powerOnHours = powerOnHours
    }

    package func attribute(_ id: Int) -> ATAAttribute? {
        ataAttributes.first { $0.id == id }
    }

    /// Whether the output holds anything read from a disk: smartctl prints only its own
    /// header and messages when it could not open the device or could not tell its type.
    package var hasDeviceData: Bool {
        passed != nil || !ataAttributes.isEmpty || nvme != nil || grownDefects != nil
    }

    /// Why a report without device data has none, with smartctl's own messages.
    package var noDataReason: String {
        let exit = exitStatus ?? []
        let why = if exit.contains(.commandLineError) {
            "smartctl stopped before reading the disk (command line or device type)"
        } else if exit.contains(.openFailed) {
            "smartctl could not open the device"
        } else {
            "smartctl read no SMART data"
        }
        return why + (messages.isEmpty ? "" : ": " + messages.joined(separator: "; "))
    }
}

/// Why smartctl's output could not be used; the message goes into the disk's reason.
package struct SmartParseError: Error, Sendable, Equatable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}
