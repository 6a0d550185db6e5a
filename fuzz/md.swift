import HostHealthConfig
import HostHealthModel
import HostHealthPolicy
import HostSystem
@testable import MDReader

/// The text of an array's `md/` folder as the reader reads it, then the verdict on it, twice
/// (the second read judged against the first, so rebuild progress and ETAs see fuzzed numbers).
///
/// Input: lines `attribute=value` (`sync_completed=12345 / 67890`), `dev-NAME/attribute=value`
/// for a member, `rdN=NAME` for a role link; `attribute!` for a file that is absent and
/// `attribute!5` for one that failed with that errno. A line `---` starts the second read.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let reads = text.split(separator: "\n---\n", maxSplits: 1, omittingEmptySubsequences: false)
    let health = ArrayHealth(config: ArrayConfig())
    var previous: [ComponentID: ArrayMemory]?
    for (round, read) in reads.enumerated() {
        let array = MDArrayParser.parse(attributes(read))
        let judgement = health.judge([array], previous: previous, now: Timestamp(secondsSinceEpoch: 1_000 + 10 * Double(round)), stale: nil)
        precondition(judgement.verdicts.count == 1, "one array, one verdict")
        previous = judgement.memory
    }
    return 0
}

func attributes(_ text: Substring) -> MDAttributes {
    var attributes = MDAttributes(name: "md0")
    for line in text.split(separator: "\n") {
        let (key, value) = entry(line)
        if key.hasPrefix("rd"), let slot = Int(key.dropFirst(2)), case .text(let name) = value {
            attributes.roles[name] = slot
        } else if key.hasPrefix("dev-"), let slash = key.firstIndex(of: "/") {
            let member = String(key[key.index(key.startIndex, offsetBy: 4)..<slash])
            attributes.members[member, default: [:]][String(key[key.index(after: slash)...])] = value
        } else {
            attributes.values[key] = value
        }
    }
    return attributes
}

func entry(_ line: Substring) -> (String, SysfsFiles.Value) {
    if let equals = line.firstIndex(of: "=") {
        return (String(line[..<equals]), .text(String(line[line.index(after: equals)...])))
    }
    guard let bang = line.firstIndex(of: "!") else { return (String(line), .text("")) }
    let code = Int32(line[line.index(after: bang)...])
    return (String(line[..<bang]), code.map { .failed(Errno(rawValue: $0)) } ?? .absent)
}
