/// A batch of link news for the engine.
package struct LinkUpdate: Sendable {
    package enum Scope: Sendable, Equatable {
        /// A complete dump: these are all the links there are.
        case all
        /// Events: apply on top of what is known.
        case changes
        /// Fresh counters for known links; nothing else changed.
        case statistics
    }

    package var scope: Scope
    package var messages: [LinkMessage]
    package var skipped: [String: UInt64]
    /// Kernel event messages in this batch (zero for a dump).
    package var events: Int
    /// Wall time a dump took.
    package var durationSeconds: Double?
    /// Why a dump was made: `start`, `interval`, `overflow`, `scrape`, `direct`.
    package var cause: String?

    package init(
        scope: Scope, messages: [LinkMessage], skipped: [String: UInt64], events: Int,
        durationSeconds: Double? = nil, cause: String? = nil
    ) {
        self.scope = scope
        self.messages = messages
        self.skipped = skipped
        self.events = events
        self.durationSeconds = durationSeconds
        self.cause = cause
    }
}

/// One link message from rtnetlink: a link as it is now (RTM_NEWLINK, from a dump or an
/// event), or one that went away (RTM_DELLINK).
package enum LinkMessage: Sendable, Equatable {
    case link(Link)
    case removed(index: Int32, name: String)
    /// RTM_NEWSTATS: only the 64-bit counters of the link with this index.
    case statistics(index: Int32, LinkStatistics)
}
