internal import HostHealthModel
internal import HostHealthPolicy
internal import HostHealthConfig

/// The `hosthealth_md_*` families: identity, state sets, member counts and sync progress per
/// md array. They change only with a read of the arrays, so they belong to the cached part.
/// The label `array` is the kernel name (`md0`); the uuid is in `hosthealth_md_info`.
enum ArrayExposition {
    /// One per-array family: its name, help and how to read its value off an array.
    private struct Series: Sendable {
        let name: String
        let help: String
        let value: @Sendable (MDArray) -> Double?
    }

    private static let gauges: [Series] = [
        Series(name: "hosthealth_md_raid_disks", help: "Slots in the md array (the new count during a reshape).") {
            $0.raidDisks.map { Double($0) }
        },
        Series(name: "hosthealth_md_degraded_disks", help: "Slots of the md array without a working member.") {
            $0.degraded.map { Double($0) }
        },
        Series(name: "hosthealth_md_sync_progress_ratio", help: "Progress of the running resync, recovery, reshape, check or repair (0-1).") {
            $0.syncCompleted?.ratio
        },
        Series(name: "hosthealth_md_sync_speed_bytes_per_second", help: "Speed of the running sync in bytes per second, as the kernel averages it.") {
            $0.syncSpeedBytesPerSecond.map { Double($0) }
        },
        Series(name: "hosthealth_md_sync_eta_seconds", help: "Seconds until the running sync ends at its current speed.") { array in
            array.syncProgress.flatMap { ArrayHealth.eta(done: $0.done, total: $0.total, speed: array.syncSpeedBytesPerSecond) }
        },
        Series(name: "hosthealth_md_mismatch_sectors", help: "Sectors the last check found inconsistent (or the last repair rewrote).") {
            $0.mismatchSectors.map { Double($0) }
        },
        Series(name: "hosthealth_md_component_size_bytes", help: "Space each member gives the md array, in bytes.") {
            $0.componentSizeBytes.map { Double($0) }
        },
    ]

    /// Member counts by what they are doing; `missing` is a slot with no member at all.
    static let memberStates = ["active", "recovering", "spare", "faulty", "missing"]

    static func render(_ arrays: [MDArray], into writer: inout MetricsWriter) {
        guard !arrays.isEmpty else { return }
        writer.family("hosthealth_md_info", .info, help: "Identity of an md array; always 1.")
        for array in arrays {
            writer.sample("hosthealth_md_info", [
                "array": array.name, "uuid": array.uuid ?? "", "level": array.level ?? "",
                "metadata": array.metadataVersion ?? "",
            ], 1)
        }
        writer.family("hosthealth_md_state", .gauge, help: "array_state of an md array as a state set: 1 for the current state, 0 for the others.")
        for array in arrays {
            guard let current = array.arrayState else { continue }
            for state in ArrayState.allCases {
                writer.sample("hosthealth_md_state", ["array": array.name, "state": state.rawValue], state == current ? 1 : 0)
            }
        }
        writer.family("hosthealth_md_disks", .gauge, help: "Members of an md array by state (active, recovering, spare, faulty) and slots with no member (missing).")
        for array in arrays {
            let counts = memberCounts(array)
            for (state, count) in zip(memberStates, counts) {
                writer.sample("hosthealth_md_disks", ["array": array.name, "state": state], Double(count))
            }
        }
        if arrays.contains(where: { $0.syncAction != nil }) {
            writer.family("hosthealth_md_sync_action", .gauge, help: "sync_action of an md array as a state set: 1 for the current action, 0 for the others.")
            for array in arrays {
                guard let current = array.syncAction else { continue }
                for action in SyncAction.allCases {
                    writer.sample("hosthealth_md_sync_action", ["array": array.name, "action": action.rawValue], action == current ? 1 : 0)
                }
            }
        }
        for series in gauges where arrays.contains(where: { series.value($0) != nil }) {
            writer.family(series.name, .gauge, help: series.help)
            for array in arrays {
                guard let value = series.value(array) else { continue }
                writer.sample(series.name, ["array": array.name], value)
            }
        }
        if arrays.contains(where: { $0.members.contains { $0.errors != nil } }) {
            writer.family("hosthealth_md_member_errors", .gauge, help: "Read errors seen on an md member without evicting it (it can be reset, so a gauge).")
            for array in arrays {
                for member in array.members {
                    guard let errors = member.errors else { continue }
                    writer.sample("hosthealth_md_member_errors", ["array": array.name, "member": member.name], Double(errors))
                }
            }
        }
    }

    /// Counts in the order of `memberStates`.
    static func memberCounts(_ array: MDArray) -> [Int] {
        let active = array.members.count { $0.isInSync && $0.mayHoldSlot }
        let recovering = array.members.count(where: \.isRecovering)
        let spare = array.members.count { !$0.mayHoldSlot && !$0.isFaulty }
        let faulty = array.members.count(where: \.isFaulty)
        let missing = array.raidDisks.map { max(0, $0 - active - recovering) } ?? 0
        return [active, recovering, spare, faulty, missing]
    }
}
