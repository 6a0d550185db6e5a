import HostHealthModel


import Testing

@Suite("JSONValue: the small JSON reader for smartctl output and journal records")
struct JSONParserTests {
    @Test func readsNestedObjectsArraysAndScalars() throws {
        let value = try JSONValue(parsing: #" { "a": [1, -2.5, true, false, null], "b": {"c": "d"}, "e": 1e3 } "#)
        #expect(value["a"]?[0]?.int64 == 1)
        #expect(value["a"]?[1]?.double == -2.5)
        #expect(value["a"]?[2]?.bool == true)
        #expect(value["a"]?[4]?.isNull == true)
        #expect(value["b"]?["c"]?.string == "d")
        #expect(value["e"]?.double == 1000)
        #expect(value["missing"] == nil)
        #expect(value["a"]?[9] == nil)
    }

    @Test func keepsLargeIntegersExact() throws {
        // smartctl raw values and byte counts exceed a Double's exact range.
        let value = try JSONValue(parsing: "[9007199254740993, 9223372036854775807, 18446744073709551616]")
        #expect(value[0]?.int64 == 9_007_199_254_740_993)
        #expect(value[1]?.int64 == Int64.max)
        #expect(value[2]?.int64 == nil)
        #expect(value[2]?.double == 18_446_744_073_709_551_616)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONValue(parsing: #""tab\t quote\" slash\/ \u00e9 \ud83d\ude00""#)
        #expect(value.string == "tab\t quote\" slash/ é 😀")
    }

    @Test func aRepeatedKeyReadsAsItsLastValue() throws {
        #expect(try JSONValue(parsing: #"{"k": 1, "k": 2}"#)["k"]?.int64 == 2)
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "\"\\x\"", "\"a", "tru", "[1] 2",
        "\"\\ud800\"", "\"\u{01}\"", "{\"a\":1,}", "nul",
    ])
    func refusesMalformedInputWithAnOffset(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
    }

    @Test func refusesNestingBeyondTheLimitInsteadOfExhaustingTheStack() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: deep) }
        #expect((try? JSONValue(parsing: "[[[]]]", maxDepth: 3)) != nil)
    }

    @Test func errorsSayWhere() {
        do {
            _ = try JSONValue(parsing: #"{"a": [1, 2 x]}"#)
            Issue.record("accepted malformed input")
        } catch {
            #expect(error.offset == 12)
            #expect(error.description.contains("byte 12"))
        }
    }

    @Test func survivesEveryTruncationOfAValidDocument() {
        // A smartctl killed at its timeout leaves half a document: each prefix must fail cleanly.
        let text = #"{"smartctl": {"exit_status": 4}, "ata_smart_attributes": {"table": [{"id": 5, "raw": {"value": 0, "string": "0"}}]}}"#
        let bytes = Array(text.utf8)
        for length in 0..<bytes.count {
            #expect(throws: JSONParseError.self) { try JSONValue(parsing: bytes[..<length]) }
        }
        #expect((try? JSONValue(parsing: bytes)) != nil)
    }
}
