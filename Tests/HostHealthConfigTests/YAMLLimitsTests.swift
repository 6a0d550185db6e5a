import Glibc
import HostHealthConfig
import HostSystem
import Testing
import YAML

/// Files that once killed or stalled the agent: refused quickly, with the line.
@Suite("YAMLParser: bounded nesting and size, linear time")
struct YAMLLimitsTests {
    @Test func deepNestingIsRefusedWithItsLine() {
        // 70,000 levels crashed the agent (SIGSEGV freeing the tree).
        let text = "links: {required: " + String(repeating: "[", count: 70_000) + String(repeating: "]", count: 70_000) + "}\n"
        #expect(throws: YAMLError.self) { try YAMLParser.parse(text) }
        do {
            _ = try YAMLParser.parse(text)
        } catch {
            #expect(error.message.contains("nested more than"))
            #expect(error.line == 1)
        }
    }

    @Test func nestingUpToTheLimitIsRead() throws {
        let depth = YAMLParser.maxDepth
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(try YAMLParser.parse(text) != nil)
    }

    @Test func aliasesCountWhatTheyExpandTo() {
        // A "billion laughs": each level doubles by alias.
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...8 {
            text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        #expect(throws: YAMLError.self) { try YAMLParser.parse(text) }
    }

    @Test func duplicateKeyIsStillRefused() {
        #expect(throws: YAMLError.self) { try YAMLParser.parse("a: 1\nb: 2\na: 3\n") }
    }

    /// 40,000 items took 20 s (quadratic); linear, it is well under a second even in debug.
    @Test func largeListAndMappingParseInLinearTime() throws {
        let list = "required:\n" + (0..<40_000).map { "  - \"x\($0)\"\n" }.joined()
        let mapping = "components:\n" + (0..<30_000).map { "  \"link:x\($0)\": {ignore: true}\n" }.joined()
        let started = SystemClock.monotonic.seconds()
        _ = try YAMLParser.parse(list)
        _ = try YAMLParser.parse(mapping)
        #expect(SystemClock.monotonic.seconds() - started < 10)
    }

    @Test func invalidUTF8IsRefusedWithItsLine() throws {
        #expect(ConfigLoader.firstInvalidUTF8Line(Array("a: 1\nb: 2\n".utf8)) == nil)
        #expect(ConfigLoader.firstInvalidUTF8Line(Array("a: 1\n".utf8) + [0x62, 0x3a, 0x20, 0xff, 0x0a]) == 2)
    }

    @Test func aFIFOAsTheConfigFileIsRefusedNotWaitedOn() throws {
        let path = "/tmp/hosthealth-fifo-\(getpid())"
        try #require(mkfifo(path, 0o600) == 0)
        defer { unlink(path) }
        #expect(throws: ConfigError.self) { try ConfigLoader(path: path).load() }
    }
}
