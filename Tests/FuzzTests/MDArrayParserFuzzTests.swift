import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
@testable import MDReader
import Testing

/// Damaged sysfs text: every attribute of a recovering raid5 mutated must still give an array
/// (with a problem where a value means nothing) and a verdict, never a crash.
@Suite struct MDArrayParserFuzzTests {
    static let valid: [String: String] = [
        "uuid": "7615b98d-f2ba-4d99-bee8-6202d8e130b9", "level": "raid5", "raid_disks": "4 (3)", "degraded": "1",
        "array_state": "active", "sync_action": "recover", "last_sync_action": "check",
        "sync_completed": "1569888 / 2093056", "sync_speed": "117187", "mismatch_cnt": "0", "chunk_size": "524288",
        "metadata_version": "external:imsm", "component_size": "1046528", "reshape_position": "none",
        "resync_start": "none", "layout": "2",
    ]
    static let member = ["state": "in_sync,write_mostly", "errors": "3", "slot": "2"]
    static let dictionary = ["none", "delayed", "PENDING", " (", ")", " / ", "-", ",", "faulty", "\n", "18446744073709551616"]
        .map { Array($0.utf8) }

    @Test func mutatedAttributesGiveAnArrayAndAVerdictNeverACrash() {
        var mutator = Mutator(seed: 2026)
        let health = ArrayHealth(config: ArrayConfig())
        var problems = 0
        for _ in 0..<3000 {
            var attributes = MDAttributes(name: "md0")
            for (key, text) in Self.valid {
                attributes.values[key] = .text(String(decoding: mutator.mutate(Array(text.utf8), dictionary: Self.dictionary), as: UTF8.self))
            }
            attributes.members["sdb1"] = Self.member.mapValues {
                .text(String(decoding: mutator.mutate(Array($0.utf8), dictionary: Self.dictionary), as: UTF8.self))
            }
            let array = MDArrayParser.parse(attributes)
            #expect(array.name == "md0")
            let judged = health.judge([array], previous: [:], now: Timestamp(secondsSinceEpoch: 0), stale: nil)
            #expect(judged.verdicts.count == 1)
            if array.problem != nil {
                problems += 1
                #expect(judged.verdicts[0].state == .unknown)
            }
        }
        // The damage must have reached the parser's refusals, or the test proves nothing.
        #expect(problems > 100)
    }
}
