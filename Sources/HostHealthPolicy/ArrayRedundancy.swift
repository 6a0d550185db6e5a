internal import HostHealthModel
internal import HostHealthConfig

/// Whether an array has lost more members than its level survives: then it is `failed`,
/// whatever `array_state` still says (raid5 keeps saying `clean` with two disks gone).
struct ArrayRedundancy {
    var array: MDArray

    init(_ array: MDArray) {
        self.array = array
    }

    /// Why the array lost its data, or nil while it still has every block somewhere.
    var loss: String? {
        guard let level = array.level, let raidDisks = array.raidDisks, raidDisks > 0 else { return nil }
        let working = Set(array.members.filter(\.isInSync).compactMap(\.slot))
        // In-sync members whose role a partial tree does not tell (no `slot`, no `rdN`): their
        // `state` is trusted, and only `degraded` can say which copies are gone.
        let unplaced = array.members.count { $0.isInSync && $0.slot == nil && $0.roleUnknown }
        // Without member folders (a partial tree) only `degraded` can tell.
        let missing = array.degraded ?? (array.members.isEmpty ? 0 : max(0, raidDisks - working.count - unplaced))
        switch level {
        case "raid0", "linear":
            guard !array.members.isEmpty else { return nil }
            let lost = raidDisks - array.members.filter { $0.mayHoldSlot && !$0.isFaulty }.count
            return lost > 0 ? "\(level) lost \(lost) of \(raidDisks) members and has no redundancy" : nil
        case "raid1":
            if missing >= raidDisks || (!array.members.isEmpty && working.isEmpty && unplaced == 0) {
                return "raid1 has no in-sync member left"
            }
        case "raid4", "raid5":
            if missing >= 2 { return "\(level) lost \(missing) of \(raidDisks) members; it survives one" }
        case "raid6":
            if missing >= 3 { return "raid6 lost \(missing) of \(raidDisks) members; it survives two" }
        case "raid10":
            return raid10Loss(raidDisks: raidDisks, working: working, missing: missing, rolesKnown: unplaced == 0)
        default:
            break
        }
        return nil
    }

    /// raid10's near layout keeps the copies of a chunk on adjacent slots (0-1, 2-3 with two
    /// copies): losing a whole group loses data. Other layouts spread copies further; there
    /// losing as many members as there are copies is taken as fatal, failing closed.
    /// When some roles are unknown the groups cannot be told apart; then only the count is judged.
    func raid10Loss(raidDisks: Int, working: Set<Int>, missing: Int, rolesKnown: Bool = true) -> String? {
        let layout = array.layout ?? 0x102
        let near = max(1, layout & 0xFF)
        let far = max(1, (layout >> 8) & 0xFF)
        if far == 1, layout & 0x10000 == 0, raidDisks % near == 0, !array.members.isEmpty, rolesKnown {
            for first in stride(from: 0, to: raidDisks, by: near) {
                let group = first..<(first + near)
                if group.allSatisfy({ !working.contains($0) }) {
                    return "raid10 lost every copy of slots \(group.lowerBound)-\(group.upperBound - 1)"
                }
            }
            return nil
        }
        let copies = near * far
        return missing >= copies ? "raid10 lost \(missing) members; it keeps \(copies) copies" : nil
    }
}
