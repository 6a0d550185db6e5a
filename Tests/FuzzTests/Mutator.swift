/// Deterministic random damage to valid inputs: the same seed gives the same cases on every run,
/// so a crash found once is found again.
struct Mutator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    /// SplitMix64.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(max(1, bound)))
    }

    /// One to four edits: flip a bit, set a byte to an edge value, cut, duplicate or insert.
    mutating func mutate(_ input: [UInt8], dictionary: [[UInt8]] = []) -> [UInt8] {
        var bytes = input
        for _ in 0...below(4) {
            let at = below(bytes.count + 1)
            switch below(dictionary.isEmpty ? 5 : 6) {
            case 0 where !bytes.isEmpty:
                bytes[min(at, bytes.count - 1)] ^= UInt8(1 << below(8))
            case 1 where !bytes.isEmpty:
                bytes[min(at, bytes.count - 1)] = [0, 0xFF, 0x7F, 0x80, 0x20][below(5)]
            case 2:
                bytes.removeSubrange(at..<min(bytes.count, at + 1 + below(16)))
            case 3 where !bytes.isEmpty:
                let from = below(bytes.count)
                bytes.insert(contentsOf: bytes[from..<min(bytes.count, from + 1 + below(16))], at: at)
            case 4:
                bytes = Array(bytes.prefix(at))
            default:
                if !dictionary.isEmpty { bytes.insert(contentsOf: dictionary[below(dictionary.count)], at: at) }
            }
        }
        return bytes
    }
}
