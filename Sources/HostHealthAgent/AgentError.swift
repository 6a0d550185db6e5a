/// An error the agent reports to its operator: a code that callers can match, and a message
/// that says what went wrong and what to do.
package struct AgentError: Error, Sendable, CustomStringConvertible {
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Sendable, Hashable {
            case badFlag, badConfig, cannotListen
        }

        private let value: Value
        package static let badFlag = Code(value: .badFlag)
        package static let badConfig = Code(value: .badConfig)
        package static let cannotListen = Code(value: .cannotListen)

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
