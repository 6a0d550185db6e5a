public import HostHealthCore

/// What one wakeup of the array reader found, for the engine.
public struct ArrayUpdate: Sendable, Equatable {
    public enum Scope: Sendable, Equatable {
        /// Every array was read: any array not in `arrays` is gone.
        case all
        /// Only `arrays` were read again; `removed` are gone.
        case changes
    }

    public var scope: Scope
    public var arrays: [MDArray]
    public var removed: [String]
    /// Uevents about md devices that led to this update.
    public var events: Int
    public var durationSeconds: Double?
    /// Why it was read: `start`, `uevent`, `overflow`, `sync` (polling a running sync), `resync`.
    public var cause: String

    public init(
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
