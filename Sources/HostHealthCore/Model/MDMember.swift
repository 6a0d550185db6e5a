/// One component device of an md array (`md/dev-<name>/`).
public struct MDMember: Sendable, Equatable {
    /// The block device's kernel name, `sdc1` for `dev-sdc1`.
    public var name: String
    /// The comma-separated words of `state`: `in_sync`, `faulty`, `spare`, …
    public var flags: Set<MemberFlag>
    /// Read errors corrected or seen on this member (`errors`); a rising count is a warning.
    public var errors: UInt64?
    /// Its role in the array; nil for a spare or a failed member (`none`).
    public var slot: Int?

    public init(name: String, flags: Set<MemberFlag> = [.inSync], errors: UInt64? = 0, slot: Int? = nil) {
        self.name = name
        self.flags = flags
        self.errors = errors
        self.slot = slot
    }

    public var isFaulty: Bool { flags.contains(.faulty) }
    /// Holds a full copy of its slot's data.
    public var isInSync: Bool { flags.contains(.inSync) && !isFaulty }
    /// Holds a slot but is still being rebuilt: the target of a recovery.
    public var isRecovering: Bool { slot != nil && !isInSync && !isFaulty && !flags.contains(.journal) }
}

/// One word of a member's `state`. A struct, not an enum: kernels add words, and an unknown
/// word is data to show, not a reason to fail the array.
public struct MemberFlag: RawRepresentable, Sendable, Hashable, Comparable {
    public var rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public static let faulty = MemberFlag(rawValue: "faulty")
    public static let inSync = MemberFlag(rawValue: "in_sync")
    public static let writeMostly = MemberFlag(rawValue: "write_mostly")
    public static let blocked = MemberFlag(rawValue: "blocked")
    public static let spare = MemberFlag(rawValue: "spare")
    public static let writeError = MemberFlag(rawValue: "write_error")
    public static let wantReplacement = MemberFlag(rawValue: "want_replacement")
    public static let replacement = MemberFlag(rawValue: "replacement")
    public static let journal = MemberFlag(rawValue: "journal")

    public static func < (lhs: MemberFlag, rhs: MemberFlag) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
