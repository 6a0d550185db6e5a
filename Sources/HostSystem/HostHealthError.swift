/// The one error shape of the agent and its readers, after swift-service-lifecycle's
/// `ServiceGroupError`: a `Code` callers can match, a message a person can act on (what failed,
/// where, why and what to do), the underlying cause (often an `Errno`), and the source
/// location that threw it, for the debug log.
///
/// The configuration's refusals stay `ConfigError` (file, line, key and reason are its data)
/// and a smartctl document that cannot be used stays `SmartParseError` in the model: both live
/// in pure modules that must not depend on this one.
package struct HostHealthError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What kind of failure this is. A struct over a private enum, so adding a code never
    /// breaks a caller's `switch`.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Sendable, Hashable {
            case badFlag, badConfig, cannotListen
            case netlink, udev, kernelLog
            case sensorsConfiguration, sensorsUnreadable, sensorsBusy
            case cannotRun, agentUnreachable, stateFile, unsafeStateDirectory
        }

        private let value: Value

        private init(_ value: Value) {
            self.value = value
        }

        /// A command-line flag `hosthealthd` does not accept.
        package static let badFlag = Code(.badFlag)
        /// A configuration the agent refuses (the cause is the `ConfigError`).
        package static let badConfig = Code(.badConfig)
        /// A listener or its state directory cannot be set up.
        package static let cannotListen = Code(.cannotListen)
        /// An rtnetlink socket operation failed; the cause is the `Errno`.
        package static let netlink = Code(.netlink)
        /// libudev could not be set up or listened to; the cause is the `Errno`.
        package static let udev = Code(.udev)
        /// The kernel log (`/dev/kmsg`) cannot be opened or read.
        package static let kernelLog = Code(.kernelLog)
        /// sensors3.conf or a file in sensors.d cannot be read or parsed.
        package static let sensorsConfiguration = Code(.sensorsConfiguration)
        /// libsensors cannot read sysfs (`/sys` not mounted as sysfs, hwmon unreadable).
        package static let sensorsUnreadable = Code(.sensorsUnreadable)
        /// libsensors is already in use in this process: it has one global state.
        package static let sensorsBusy = Code(.sensorsBusy)
        /// A program (smartctl, a hook) could not be started at all.
        package static let cannotRun = Code(.cannotRun)
        /// `hostctl` could not get an answer it can use from the agent.
        package static let agentUnreachable = Code(.agentUnreachable)
        /// The journal or the maintenance record in the state directory cannot be read or written.
        package static let stateFile = Code(.stateFile)
        /// The state directory is writable by someone other than the agent's user or root.
        package static let unsafeStateDirectory = Code(.unsafeStateDirectory)

        package var description: String { "\(value)" }
    }

    package var code: Code
    /// What went wrong, where, and what to do: the text an operator reads.
    package var message: String
    /// What the failure came from, for programs to match (e.g. `Errno.noBufferSpace`).
    package var cause: (any Error & Sendable)?
    /// Where it was thrown (`#fileID`, `#line`).
    package var file: String
    package var line: Int

    package init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.cause = cause
        self.file = file
        self.line = line
    }

    /// `what` failed with `errno`: the message reads "what: strerror text", the cause is the errno.
    package init(_ code: Code, _ what: String, errno: Errno, file: String = #fileID, line: Int = #line) {
        self.init(code, "\(what): \(errno)", cause: errno, file: file, line: line)
    }

    /// The cause when it is an errno.
    package var errno: Errno? { cause as? Errno }

    package var description: String { message }

    package var debugDescription: String { "\(message) [\(code) at \(file):\(line)]" }
}
