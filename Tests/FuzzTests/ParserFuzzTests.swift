import HostHealthModel
import HostHealthConfig
import LinkReader
import Testing

/// DESIGN §6: parsers are fuzzed. Each test damages valid inputs many thousand ways; a parser
/// passes when every case ends in a value or a thrown error, never a trap (an index out of
/// range, an overflow, a force-unwrap), which would take the whole agent down.
@Suite("Parsers survive damaged input")
struct ParserFuzzTests {
    static let rounds = 20_000

    @Test func jsonReaderNeverTraps() {
        let seeds = [
            #"{"smartctl": {"exit_status": 4, "messages": [{"string": "Device open failed", "severity": "error"}]}}"#,
            #"{"ata_smart_attributes": {"table": [{"id": 5, "raw": {"value": 18446744073709551615, "string": "0 (\u00e9)"}}]}, "x": [1e308, -0.0, true, null]}"#,
        ].map { Array($0.utf8) }
        let tokens = ["\\u", "\\ud83d", "{", "[", "\"", "1e999", "-", ",", ":"].map { Array($0.utf8) }
        var mutator = Mutator(seed: 1)
        var parsed = 0
        for round in 0..<Self.rounds {
            let input = mutator.mutate(seeds[round % seeds.count], dictionary: tokens)
            if (try? JSONValue(parsing: input)) != nil { parsed += 1 }
        }
        // The damage is real: most cases must be refused, and some survive as valid JSON.
        #expect(parsed > 0 && parsed < Self.rounds / 2)
    }

    @Test func configParserNeverTraps() {
        let seed = Array("""
            links:
              required:
                - eth0
                - name: "bond*"
                  min_speed: 10Gbps
              flapping: {max_changes: 6, window: 5m}
              recover_after: 10s
            health:
              status_codes: {degraded: 429}
            sensors:
              interval: 5s
              for: 15s
              margin_ratio: 0.05
              ignore: ["nct6779-*/in*"]
              apply_sets: false
            """.utf8)
        let tokens = [": ", "\n  - ", "{", "[", "'", "\"", "&a", "*a", "!!binary", "\t", "1e9h", "-5s", "%"].map { Array($0.utf8) }
        var mutator = Mutator(seed: 2)
        var refused = 0
        for _ in 0..<Self.rounds / 4 {
            let text = String(decoding: mutator.mutate(seed, dictionary: tokens), as: UTF8.self)
            do {
                _ = try ConfigParser(file: "fuzz.yaml").parse(text)
            } catch {
                refused += 1
                #expect(!error.description.isEmpty)
            }
        }
        #expect(refused > 0)
    }

    @Test func netlinkParserNeverTraps() {
        var mutator = Mutator(seed: 3)
        var skipped: UInt64 = 0
        for _ in 0..<Self.rounds {
            let result = RTNetlinkParser.parse(mutator.mutate(Self.newlinkReply))
            skipped += result.skipped.values.reduce(0, +)
        }
        #expect(skipped > 0)
    }

    /// An RTM_NEWLINK for `eth0` followed by NLMSG_DONE, as a dump reply carries it.
    static var newlinkReply: [UInt8] {
        func u16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func u32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> ($0 * 8)) & 0xFF) } }
        func pad(_ b: [UInt8]) -> [UInt8] { b + Array(repeating: 0, count: (4 - b.count % 4) % 4) }
        func attr(_ type: UInt16, _ payload: [UInt8]) -> [UInt8] { pad(u16(UInt16(4 + payload.count)) + u16(type) + payload) }
        func message(_ type: UInt16, _ payload: [UInt8]) -> [UInt8] {
            pad(u32(UInt32(16 + payload.count)) + u16(type) + u16(0x2) + u32(1) + u32(0) + payload)
        }
        let info: [UInt8] = [0, 0] + u16(1) + u32(2) + u32(0x10043) + u32(0)
        let attributes = attr(3, Array("eth0\0".utf8)) + attr(4, u32(1500)) + attr(16, [6]) + attr(33, [1])
            + attr(35, u32(4)) + attr(18, attr(1, Array("veth\0".utf8))) + attr(23, Array(repeating: 7, count: 200))
        return message(16, info + attributes) + message(3, u32(0))
    }
}
