@preconcurrency internal import CSensors
internal import Glibc
internal import Synchronization

/// libsensors reports errors through process-global function pointers. Its default fatal
/// handler calls `exit(1)`, which would end the whole agent over one sensor library's
/// out-of-memory: these replacements record what went wrong instead.
enum LibsensorsHandlers {
    /// Parse errors of the configuration being loaded, by line of the joined text.
    static let parseErrors = Mutex<[(line: Int, message: String)]>([])
    /// Set once libsensors hit a fatal error; the thread it happened on is parked for good.
    static let fatalError = Mutex<String?>(nil)
    /// Told about a fatal error before its thread parks (the agent marks the reader failed).
    static let fatalErrorObserver = Mutex<(@Sendable (String) -> Void)?>(nil)
    private static let installed = Mutex(false)

    /// Installs the handlers, once per process.
    static func install() {
        let first = installed.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        sensors_parse_error = { message, line in
            LibsensorsHandlers.recordParseError(message, line: Int(line))
        }
        sensors_parse_error_wfn = { message, _, line in
            LibsensorsHandlers.recordParseError(message, line: Int(line))
        }
        sensors_fatal_error = { function, message in
            LibsensorsHandlers.park(function: function, message: message)
        }
    }

    private static func recordParseError(_ message: UnsafePointer<CChar>?, line: Int) {
        let text = message.map { String(cString: $0) } ?? "parse error"
        parseErrors.withLock { $0.append((line, text)) }
    }

    /// libsensors must not continue after a fatal error (it would use memory it failed to
    /// get), and must not end the process: the calling thread stops here. The sensors reader
    /// then goes stale, sensor health turns unknown, and the rest of the agent keeps serving.
    private static func park(function: UnsafePointer<CChar>?, message: UnsafePointer<CChar>?) -> Never {
        let text = "libsensors fatal error in \(function.map { String(cString: $0) } ?? "?"): \(message.map { String(cString: $0) } ?? "?")"
        fatalError.withLock { $0 = text }
        fatalErrorObserver.withLock { $0 }?(text)
        fputs("hosthealth: \(text); the sensors reader stops, sensor data will go stale\n", stderr)
        while true { sleep(3600) }
    }
}
