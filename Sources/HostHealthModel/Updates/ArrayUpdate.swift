/// What one wakeup of the array reader found, for the engine.
package struct ArrayUpdate: Sendable, Equatable {
    package enum Scope: Sendable, Equatable {
        /// Every array was read: any array not in `arrays` is gone.
        case all
        /// Only `arrays` were read again; `removed` are gone.
        case changes
    }

    package var scope: Scope
    package var arrays: [MDArray]
    package var removed: [String]
    /// Uevents about md devices that led to this update.
    package var events: Int
    package var durationSeconds: Double?
    /// Why it was read: `start`, `uevent`, `overflow`, `sync` (polling a running sync), `resync`.
    package var cause: String

    package init(
        scope: Scope, arrays: [MDArray], removed: [String] = [], events: Int = 0, durationSeconds: Double? = nil,
        cause: String
    ) {
        self.scope = scope
        self.arrays = arrays
        self.removed = removed
        self.events = events
        self.durationSeconds = durationSeconds
        self.cause = cause
    }
}
