package import HostHealthModel

/// smartctl JSON into a SmartReport.
extension SmartReport {
    /// Reads smartctl ≥ 7 `--json` output. Unknown and missing fields are tolerated (the
    /// format grows); only output that is not a smartctl JSON document at all is an error.
    package init(json bytes: some Collection<UInt8>) throws(SmartParseError) {
        let root: JSONValue
        do {
            root = try JSONValue(parsing: Array(bytes))
        } catch {
            throw SmartParseError("smartctl printed no valid JSON (\(error)); is it smartmontools 7 or newer?")
        }
        guard root.members != nil else { throw SmartParseError("smartctl printed JSON that is not an object") }
        let smartctl = root["smartctl"]
        guard smartctl?.members != nil || root["device"]?.members != nil else {
            throw SmartParseError("smartctl JSON has neither a smartctl nor a device section")
        }
        self.init()
        deviceName = root["device"]?["name"]?.string
        deviceType = root["device"]?["type"]?.string
        deviceProtocol = root["device"]?["protocol"]?.string
        model = root["model_name"]?.string ?? root["product"]?.string
        serial = root["serial_number"]?.string
        firmware = root["firmware_version"]?.string ?? root["revision"]?.string
        if let wwn = root["wwn"], let naa = wwn["naa"]?.int64, let oui = wwn["oui"]?.int64, let id = wwn["id"]?.int64 {
            self.wwn = Self.wwnText(naa: naa, oui: oui, id: id)
        }
        exitStatus = smartctl?["exit_status"]?.int64.map { SmartExitStatus(rawValue: Int(truncatingIfNeeded: $0)) }
        passed = root["smart_status"]?["passed"]?.bool
        for message in smartctl?["messages"]?.array ?? [] {
            guard let text = message["string"]?.string else { continue }
            let severity = message["severity"]?.string ?? "error"
            if text.contains("STANDBY") || text.contains("SLEEP") { inStandby = true }
            if severity != "information" { messages.append(text) }
        }
        if let mode = root["power_mode"]?.string, mode.uppercased().contains("STANDBY") || mode.uppercased().contains("SLEEP") {
            inStandby = true
        }
        for entry in root["ata_smart_attributes"]?["table"]?.array ?? [] {
            guard let id = entry["id"]?.int64 else { continue }
            ataAttributes.append(ATAAttribute(
                id: Int(truncatingIfNeeded: id), name: entry["name"]?.string ?? "",
                value: entry["value"]?.int64.map { Int(truncatingIfNeeded: $0) },
                threshold: entry["thresh"]?.int64.map { Int(truncatingIfNeeded: $0) },
                raw: entry["raw"]?["value"]?.int64,
                prefailure: entry["flags"]?["prefailure"]?.bool ?? false,
                whenFailed: entry["when_failed"]?.string ?? ""))
        }
        if let log = root["nvme_smart_health_information_log"], log.members != nil {
            nvme = NVMeHealth(
                criticalWarning: log["critical_warning"]?.int64.map { Int(truncatingIfNeeded: $0) } ?? 0,
                availableSpare: log["available_spare"]?.int64.map { Int(truncatingIfNeeded: $0) },
                availableSpareThreshold: log["available_spare_threshold"]?.int64.map { Int(truncatingIfNeeded: $0) },
                percentageUsed: log["percentage_used"]?.int64.map { Int(truncatingIfNeeded: $0) },
                mediaErrors: log["media_errors"]?.int64,
                errorLogEntries: log["num_err_log_entries"]?.int64,
                temperatureCelsius: log["temperature"]?.double)
        }
        grownDefects = root["scsi_grown_defect_list"]?.int64
        temperatureCelsius = root["temperature"]?["current"]?.double
        powerOnHours = root["power_on_time"]?["hours"]?.int64
    }

    /// smartctl splits a WWN into NAA, OUI and vendor id; operators and udev write it whole,
    /// as `0x5000c500a1b2c3d4`.
    static func wwnText(naa: Int64, oui: Int64, id: Int64) -> String {
        let value = (UInt64(truncatingIfNeeded: naa) << 60) | (UInt64(truncatingIfNeeded: oui) << 36) | (UInt64(truncatingIfNeeded: id) & 0xF_FFFF_FFFF)
        let hex = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 16 - hex.count)) + hex
    }
}
