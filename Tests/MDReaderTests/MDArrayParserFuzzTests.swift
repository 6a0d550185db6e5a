import HostHealthCore
@testable import MDReader
import Testing

/// Damaged sysfs text: every attribute filled with garbage must give an array (with a problem
/// where a value means nothing), never a crash.
@Suite struct MDArrayParserFuzzTests {
    /// A small deterministic generator, so a failure can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let pieces = [
        "", " ", "none", "delayed", "PENDING", "4 (3)", "(", ")", "/", " / ", "-1", "0", "18446744073709551616",
        "in_sync", ",", "faulty,,", "clean", "read-auto", "\u{0}", "\n", "é", "12 / ", " / 40", "1/2/3", "0x10",
    ]

    func garbage(_ generator: inout SplitMix) -> String {
        (0..<Int.random(in: 0...4, using: &generator)).map { _ in Self.pieces.randomElement(using: &generator)! }.joined()
    }

    @Test func garbageInEveryAttributeGivesAnArrayNeverACrash() {
        var generator = SplitMix(state: 2026)
        for _ in 0..<2000 {
            var attributes = MDAttributes(name: "md0")
            for key in MDArrayReader.arrayAttributes {
                attributes.values[key] = .text(garbage(&generator))
            }
            attributes.members["sdb1"] = Dictionary(uniqueKeysWithValues: MDArrayReader.memberAttributes.map {
                ($0, SysfsFiles.Value.text(garbage(&generator)))
            })
            let array = MDArrayParser.parse(attributes)
            #expect(array.name == "md0")
            let judged = ArrayHealth(config: ArrayConfig()).judge([array], previous: [:], now: Timestamp(secondsSinceEpoch: 0), stale: nil)
            #expect(judged.verdicts.count == 1)
            if array.problem != nil { #expect(judged.verdicts[0].state == .unknown) }
        }
    }

    @Test func unreadableAttributeIsAProblemNamingIt() {
        let array = MDArrayParser.parse(MDAttributes(name: "md0", values: ["array_state": .failed(5), "level": .text("raid1")]))
        #expect(array.problem == "cannot read array_state: Input/output error")
        #expect(array.level == "raid1")
    }
}
