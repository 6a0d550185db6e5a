/// An error the agent reports to its operator: a code that callers can match, and a message
/// that says what went wrong and what to do.
public struct AgentError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Sendable, Hashable {
            case badFlag, badConfig, cannotListen
        }

        private let value: Value
        public static let badFlag = Code(value: .badFlag)
        public static let badConfig = Code(value: .badConfig)
        public static let cannotListen = Code(value: .cannotListen)

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
