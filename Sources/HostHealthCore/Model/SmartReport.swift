/// smartctl's exit status as a bit mask (smartctl(8), "RETURN VALUES"): several bits may be set
/// at once, and only some of them say anything about the disk.
public struct SmartExitStatus: OptionSet, Sendable, Equatable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Bit 0: the command line did not parse.
    public static let commandLineError = SmartExitStatus(rawValue: 1 << 0)
    /// Bit 1: the device could not be opened, or it is in a low-power mode (`--nocheck`).
    public static let openFailed = SmartExitStatus(rawValue: 1 << 1)
    /// Bit 2: a SMART or other command to the disk failed, or its checksum was wrong.
    public static let commandFailed = SmartExitStatus(rawValue: 1 << 2)
    /// Bit 3: SMART status says "DISK FAILING".
    public static let diskFailing = SmartExitStatus(rawValue: 1 << 3)
    /// Bit 4: prefail attributes found at or below their threshold.
    public static let prefailAtThreshold = SmartExitStatus(rawValue: 1 << 4)
    /// Bit 5: status OK, but usage or prefail attributes were at or below threshold in the past.
    public static let pastThreshold = SmartExitStatus(rawValue: 1 << 5)
    /// Bit 6: the device error log has entries.
    public static let errorLogEntries = SmartExitStatus(rawValue: 1 << 6)
    /// Bit 7: the self-test log has errors.
    public static let selfTestErrors = SmartExitStatus(rawValue: 1 << 7)
}

/// One ATA SMART attribute: the normalised value against its threshold, and the raw counter.
public struct ATAAttribute: Sendable, Equatable {
    public var id: Int
    public var name: String
    public var value: Int?
    public var threshold: Int?
    public var raw: Int64?
    public var prefailure: Bool
    /// smartctl's `when_failed`: `now`, `past` or empty.
    public var whenFailed: String

    public init(id: Int, name: String, value: Int? = nil, threshold: Int? = nil, raw: Int64? = nil, prefailure: Bool = false, whenFailed: String = "") {
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
    public static let watched: [Int] = [5, 187, 188, 197, 198]
}

/// The NVMe SMART / Health Information log (NVMe base spec, log page 02h).
public struct NVMeHealth: Sendable, Equatable {
    /// Bit 0 spare below threshold, 1 temperature, 2 reliability degraded, 3 read-only,
    /// 4 volatile backup failed, 5 persistent memory region read-only.
    public var criticalWarning: Int
    public var availableSpare: Int?
    public var availableSpareThreshold: Int?
    public var percentageUsed: Int?
    public var mediaErrors: Int64?
    public var errorLogEntries: Int64?
    public var temperatureCelsius: Double?

    public init(
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
public struct SmartReport: Sendable, Equatable {
    public var deviceName: String?
    /// smartctl's device type and protocol: `sat`/`ATA`, `nvme`/`NVMe`, `scsi`/`SCSI`.
    public var deviceType: String?
    public var deviceProtocol: String?
    public var model: String?
    public var serial: String?
    public var wwn: String?
    public var firmware: String?
    /// nil when smartctl did not print one (old JSON without `exit_status`).
    public var exitStatus: SmartExitStatus?
    /// `smart_status.passed`: the disk's own overall verdict; nil when not read.
    public var passed: Bool?
    /// The disk was in standby or sleep and was not woken (`--nocheck=standby`).
    public var inStandby: Bool
    /// smartctl's own messages of severity error or warning.
    public var messages: [String]
    public var ataAttributes: [ATAAttribute]
    public var nvme: NVMeHealth?
    /// SCSI: the grown defect list's length (sectors remapped since manufacture).
    public var grownDefects: Int64?
    public var temperatureCelsius: Double?
    public var powerOnHours: Int64?

    public init(
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

    public func attribute(_ id: Int) -> ATAAttribute? {
        ataAttributes.first { $0.id == id }
    }

    /// Whether the output holds anything read from a disk: smartctl prints only its own
    /// header and messages when it could not open the device or could not tell its type.
    public var hasDeviceData: Bool {
        passed != nil || !ataAttributes.isEmpty || nvme != nil || grownDefects != nil
    }
}

/// Why smartctl's output could not be used; the message goes into the disk's reason.
public struct SmartParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
