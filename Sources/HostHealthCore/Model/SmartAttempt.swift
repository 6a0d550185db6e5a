/// What came of one smartctl run, before it is judged.
public enum SmartAttempt: Sendable, Equatable {
    /// smartctl ran to its end; its standard output.
    case output([UInt8])
    /// smartctl ran past its timeout and was killed.
    case timedOut(seconds: Double)
    /// smartctl could not be started at all (missing, not executable).
    case cannotRun(String)
}

extension SmartObservation {
    /// Folds one attempt in: a good read replaces the report; standby, a timeout, garbage or a
    /// device smartctl cannot talk to keep the last report and say why it was not refreshed.
    public mutating func record(_ attempt: SmartAttempt, at now: Timestamp) {
        attemptedAt = now
        switch attempt {
        case .cannotRun(let why):
            standby = false
            problem = why
        case .timedOut(let seconds):
            standby = false
            problem = "smartctl timed out after \(Self.seconds(seconds)) and was killed"
        case .output(let bytes):
            let report: SmartReport
            do {
                report = try SmartReport(json: bytes)
            } catch {
                standby = false
                problem = error.message
                return
            }
            if report.inStandby {
                standby = true
                problem = nil
            } else if report.hasDeviceData {
                self.report = report
                readAt = now
                standby = false
                problem = nil
            } else {
                standby = false
                problem = SmartHealth(report).reasons.joined(separator: "; ")
            }
        }
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value))s" : "\(value)s"
    }
}
