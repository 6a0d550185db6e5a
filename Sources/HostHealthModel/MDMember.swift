/// One component device of an md array (`md/dev-<name>/`).
package struct MDMember: Sendable, Equatable {
    /// The block device's kernel name, `sdc1` for `dev-sdc1`.
    package var name: String
    /// The comma-separated words of `state`: `in_sync`, `faulty`, `spare`, …
    package var flags: Set<MemberFlag>
    /// Read errors corrected or seen on this member (`errors`); a rising count is a warning.
    package var errors: UInt64?
    /// Its role in the array; nil for a spare or a failed member (`none`).
    package var slot: Int?
    /// The tree said nothing about its role: no `slot` file and no `rdN` link (a partial
    /// tree). Its `state` is still trusted; the role is unknown, not lost.
    package var roleUnknown = false

    package init(name: String, flags: Set<MemberFlag> = [.inSync], errors: UInt64? = 0, slot: Int? = nil) {
        self.name = name
        self.flags = flags
        self.errors = errors
        self.slot = slot
    }

    package var isFaulty: Bool { flags.contains(.faulty) }
    /// Holds a full copy of its slot's data.
    package var isInSync: Bool { flags.contains(.inSync) && !isFaulty }
    /// Holds a slot, or may: a member whose role the tree did not tell is taken at its `state`.
    package var mayHoldSlot: Bool { slot != nil || roleUnknown }
    /// Holds a slot but is still being rebuilt: the target of a recovery.
    package var isRecovering: Bool { slot != nil && !isInSync && !isFaulty && !flags.contains(.journal) }
}

/// One word of a member's `state`. A struct, not an enum: kernels add words, and an unknown
/// word is data to show, not a reason to fail the array.
package struct MemberFlag: RawRepresentable, Sendable, Hashable, Comparable {
    package var rawValue: String

    package init(rawValue: String) {
        self.rawValue = rawValue
    }

    package static let faulty = MemberFlag(rawValue: "faulty")
    package static let inSync = MemberFlag(rawValue: "in_sync")
    package static let writeMostly = MemberFlag(rawValue: "write_mostly")
    package static let blocked = MemberFlag(rawValue: "blocked")
    package static let spare = MemberFlag(rawValue: "spare")
    package static let writeError = MemberFlag(rawValue: "write_error")
    package static let wantReplacement = MemberFlag(rawValue: "want_replacement")
    package static let replacement = MemberFlag(rawValue: "replacement")
    package static let journal = MemberFlag(rawValue: "journal")

    package static func < (lhs: MemberFlag, rhs: MemberFlag) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
