/// What came of one smartctl run, parsed by the reader, before it is judged.
package enum SmartAttempt: Sendable, Equatable {
    /// smartctl ran to its end and printed its JSON: data, a standby notice, or why it could
    /// not read the disk.
    case report(SmartReport)
    /// smartctl ran to its end, but what it printed is not its JSON document.
    case unreadable(String)
    /// smartctl ran past its timeout and was killed.
    case timedOut(seconds: Double)
    /// There is no smartctl at the configured path: SMART is unavailable on this host (the
    /// package only recommends smartmontools). Not an error of the reader.
    case notInstalled(String)
    /// smartctl is there but could not be started (not executable, no permission).
    case cannotRun(String)
}

extension SmartObservation {
    /// Folds one attempt in: a good read replaces the report; standby, a timeout, garbage or a
    /// device smartctl cannot talk to keep the last report and say why it was not refreshed.
    package mutating func record(_ attempt: SmartAttempt, at now: Timestamp) {
        attemptedAt = now
        standby = false
        switch attempt {
        case .cannotRun(let why), .notInstalled(let why), .unreadable(let why):
            problem = why
        case .timedOut(let seconds):
            problem = "smartctl timed out after \(TextFormat.duration(seconds)) and was killed"
        case .report(let report):
            if report.inStandby {
                standby = true
                problem = nil
            } else if report.hasDeviceData {
                self.report = report
                readAt = now
                problem = nil
            } else {
                problem = report.noDataReason
            }
        }
    }

}
