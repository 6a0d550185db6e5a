import Testing
import YAML

@Suite("YAMLParser: libyaml into values that remember their line")
struct YAMLParserTests {
    func mapping(_ node: YAMLNode?) throws -> [(key: YAMLNode, value: YAMLNode)] {
        guard case .mapping(let pairs) = try #require(node).value else {
            Issue.record("not a mapping: \(String(describing: node))")
            return []
        }
        return pairs
    }

    @Test func emptyDocumentIsNil() throws {
        #expect(try YAMLParser.parse("") == nil)
    }

    @Test func keysKeepTheirOrderAndLines() throws {
        let pairs = try mapping(YAMLParser.parse("b: 1\na: 2\n"))
        #expect(pairs.map(\.key.scalar) == ["b", "a"])
        #expect(pairs.map(\.key.line) == [1, 2])
    }

    @Test func nestedValueRemembersLineAndColumn() throws {
        let links = try mapping(YAMLParser.parse("# comment\nlinks:\n  window: 5m\n"))
        let inner = try mapping(links.first?.value)
        #expect(inner.first?.value.line == 3)
        #expect(inner.first?.value.column == 11)
    }

    @Test func quotedScalarIsNotPlain() throws {
        let pairs = try mapping(YAMLParser.parse("a: \"null\"\nb: null\n"))
        #expect(pairs[0].value.value == .scalar("null", plain: false))
        #expect(!pairs[0].value.isNull)
        #expect(pairs[1].value.isNull)
    }

    @Test(arguments: ["", "~", "null", "Null", "NULL"])
    func plainNullSpellingsAreNull(_ text: String) throws {
        let pairs = try mapping(YAMLParser.parse("a: \(text)\n"))
        #expect(pairs.first?.value.isNull == true)
    }

    @Test func aliasIsResolvedToItsAnchor() throws {
        let pairs = try mapping(YAMLParser.parse("a: &speed 10G\nb: *speed\n"))
        #expect(pairs[1].value.scalar == "10G")
    }

    @Test func unknownAliasIsAnError() throws {
        #expect(throws: YAMLError.self) { try YAMLParser.parse("a: *nowhere\n") }
    }

    @Test func duplicateKeyIsAnErrorAtTheSecondKey() throws {
        let error = try #require(throws: YAMLError.self) { try YAMLParser.parse("a: 1\nb: 2\na: 3\n") }
        #expect(error.line == 3)
        #expect(error.message == "duplicate key 'a'")
    }

    @Test func onlyTheFirstDocumentIsRead() throws {
        let pairs = try mapping(YAMLParser.parse("a: 1\n---\nb: 2\n"))
        #expect(pairs.map(\.key.scalar) == ["a"])
    }

    @Test func sequenceItemsKeepTheirOrder() throws {
        let pairs = try mapping(YAMLParser.parse("required:\n  - eth0\n  - bond*\n"))
        guard case .sequence(let items) = try #require(pairs.first).value.value else {
            Issue.record("not a sequence")
            return
        }
        #expect(items.map(\.scalar) == ["eth0", "bond*"])
        #expect(items.map(\.line) == [2, 3])
    }
}
