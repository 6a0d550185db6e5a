/// Why libsensors could not be set up or read. The message says what failed, where, and what
/// to do about it.
public struct SensorReaderError: Error, Sendable, CustomStringConvertible {
    /// An extensible code: new cases never break callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Sendable, Hashable {
            case configuration
            case kernel
            case busy
        }

        private let value: Value

        /// sensors3.conf or a file in sensors.d cannot be read or parsed.
        public static let configuration = Code(value: .configuration)
        /// libsensors cannot read sysfs (`/sys` not mounted as sysfs, hwmon unreadable).
        public static let kernel = Code(value: .kernel)
        /// libsensors is already in use in this process: it has one global state.
        public static let busy = Code(value: .busy)

        public var description: String { "\(value)" }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
