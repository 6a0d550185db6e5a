import HostHealthModel
import HostHealthPolicy
import DiskReader
import Testing
internal import Glibc

@Suite("SmartReport: smartctl --json output read")
struct SmartReportTests {
    static let ataFailing = """
        {"json_format_version":[1,0],
         "smartctl":{"version":[7,3],"exit_status":24,
           "messages":[{"string":"Warning: ATA error count 3 inconsistent","severity":"warning"}]},
         "device":{"name":"/dev/sdb","info_name":"/dev/sdb [SAT]","type":"sat","protocol":"ATA"},
         "model_name":"WDC WD40EFRX-68N32N0","serial_number":"WD-WCC7K1234567",
         "wwn":{"naa":5,"oui":5358,"id":12345678901},"firmware_version":"82.00A82",
         "smart_status":{"passed":false},
         "ata_smart_attributes":{"revision":16,"table":[
           {"id":5,"name":"Reallocated_Sector_Ct","value":1,"worst":1,"thresh":140,"when_failed":"now",
            "flags":{"value":51,"prefailure":true},"raw":{"value":2016,"string":"2016"}},
           {"id":197,"name":"Current_Pending_Sector","value":200,"worst":200,"thresh":0,"when_failed":"",
            "flags":{"value":50,"prefailure":false},"raw":{"value":12,"string":"12"}}]},
         "temperature":{"current":41},"power_on_time":{"hours":33000}}
        """

    @Test func ataReportIsReadWhole() throws {
        let report = try SmartReport(json: Array(Self.ataFailing.utf8))
        #expect(report.deviceName == "/dev/sdb")
        #expect(report.deviceType == "sat")
        #expect(report.deviceProtocol == "ATA")
        #expect(report.model == "WDC WD40EFRX-68N32N0")
        #expect(report.serial == "WD-WCC7K1234567")
        #expect(report.wwn == "0x50014ee2dfdc1c35")
        #expect(report.firmware == "82.00A82")
        #expect(report.exitStatus == [.diskFailing, .prefailAtThreshold])
        #expect(report.passed == false)
        #expect(report.messages == ["Warning: ATA error count 3 inconsistent"])
        #expect(report.attribute(5)?.raw == 2016)
        #expect(report.attribute(5)?.whenFailed == "now")
        #expect(report.attribute(197)?.raw == 12)
        #expect(report.temperatureCelsius == 41)
        #expect(report.powerOnHours == 33000)
        #expect(SmartHealth(report).state == .failed)
    }

    @Test func nvmeHealthLogIsRead() throws {
        let json = """
            {"smartctl":{"exit_status":0},"device":{"name":"/dev/nvme0","type":"nvme","protocol":"NVMe"},
             "smart_status":{"passed":true,"nvme":{"value":1}},
             "nvme_smart_health_information_log":{"critical_warning":1,"temperature":48,"available_spare":4,
               "available_spare_threshold":10,"percentage_used":101,"media_errors":2,"num_err_log_entries":9}}
            """
        let report = try SmartReport(json: Array(json.utf8))
        #expect(report.nvme == NVMeHealth(
            criticalWarning: 1, availableSpare: 4, availableSpareThreshold: 10, percentageUsed: 101,
            mediaErrors: 2, errorLogEntries: 9, temperatureCelsius: 48))
        #expect(SmartHealth(report).reasons == [
            "NVMe critical warning: spare below threshold", "rated endurance used up (101%)", "media errors 2",
        ])
    }

    @Test func standbyIsRecognisedFromSmartctlsMessage() throws {
        let json = """
            {"smartctl":{"exit_status":2,"messages":[{"string":"Device is in STANDBY mode, exit(2)","severity":"information"}]},
             "device":{"name":"/dev/sdc","type":"sat","protocol":"ATA"}}
            """
        let report = try SmartReport(json: Array(json.utf8))
        #expect(report.inStandby)
        #expect(report.messages.isEmpty)
        #expect(!report.hasDeviceData)
    }

    @Test(arguments: ["", "not json", "[1,2]", "{\"a\":1}", "{\"smartctl\":", "\u{0}\u{1}garbage"])
    func garbageIsAReasonNotACrash(_ text: String) {
        #expect(throws: SmartParseError.self) { try SmartReport(json: Array(text.utf8)) }
    }

    /// The shared corpus of real smartctl output, read where it is (never copied).
    static let corpus = "/work/shared/corpus/smartctl"

    static func corpusFiles() -> [String] {
        guard let directory = opendir(corpus) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasSuffix(".json") { names.append(name) }
        }
        return names.sorted()
    }

    static func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes += buffer[..<count]
        }
        return bytes
    }

    /// The verdict for each corpus file: state and reasons, or the parse error.
    static let expected: [String: (HealthState?, String)] = [
        "smart-ata-failed-scrutiny.json": (.ok, ""),
        "smart-ata.json": (.ok, ""),
        "smart-fail.json": (.unknown, "smartctl could not open the device: Smartctl open device: /dev/sda failed: \\\\.\\PhysicalDrive0: Open failed, Error=5"),
        "smart-nvme-failed.json": (.degraded, "media errors 7"),
        "smart-nvme.json": (.ok, ""),
        "smart-pass.json": (.ok, ""),
        "smart-sat.json": (.ok, ""),
        "smart-scsi.json": (.degraded, "grown defects 56"),
        "smartctl_scan_megaraid.json": (.unknown, "smartctl read no SMART data"),
        "smartctl_scan_nvme.json": (.unknown, "smartctl read no SMART data"),
        "smartctl_scan_simple.json": (.unknown, "smartctl read no SMART data"),
    ]

    @Test(.enabled(if: !corpusFiles().isEmpty, "the shared smartctl corpus is absent"))
    func everyCorpusFileGetsItsVerdict() throws {
        for name in Self.corpusFiles() {
            let bytes = try #require(Self.read("\(Self.corpus)/\(name)"))
            let health: SmartHealth
            do {
                health = SmartHealth(try SmartReport(json: bytes))
            } catch {
                Issue.record("\(name): \(error)")
                continue
            }
            print("corpus \(name): \(health.state.rawValue) \(health.reasons.joined(separator: "; "))")
            guard let (state, reason) = Self.expected[name] else {
                Issue.record("\(name): no expected verdict written for this corpus file")
                continue
            }
            #expect(health.state == state, "\(name)")
            #expect(health.reasons.joined(separator: "; ") == reason, "\(name)")
        }
    }
}
