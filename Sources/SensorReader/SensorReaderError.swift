/// Why libsensors could not be set up or read. The message says what failed, where, and what
/// to do about it.
package struct SensorReaderError: Error, Sendable, CustomStringConvertible {
    /// An extensible code: new cases never break callers.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Sendable, Hashable {
            case configuration
            case kernel
            case busy
        }

        private let value: Value

        /// sensors3.conf or a file in sensors.d cannot be read or parsed.
        package static let configuration = Code(value: .configuration)
        /// libsensors cannot read sysfs (`/sys` not mounted as sysfs, hwmon unreadable).
        package static let kernel = Code(value: .kernel)
        /// libsensors is already in use in this process: it has one global state.
        package static let busy = Code(value: .busy)

        package var description: String { "\(value)" }
    }

    package var code: Code
    package var message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { message }
}
