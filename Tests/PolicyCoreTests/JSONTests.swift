import PolicyCore
import Testing

@Suite struct JSONTests {
    @Test func parsesEveryTypeAndWritesSortedKeys() throws {
        let value = try JSONParser.parse(#"{"b": [1, -2.5, true, null, "x\n\u00e9"], "a": {"c": false}}"#)
        #expect(value["a"]?["c"] == .bool(false))
        #expect(value["b"]?.arrayValue?[0] == .integer(1))
        #expect(value["b"]?.arrayValue?[1] == .double(-2.5))
        #expect(value["b"]?.arrayValue?[4] == .string("x\né"))
        #expect(JSONWriter.string(value) == #"{"a":{"c":false},"b":[1,-2.5,true,null,"x\né"]}"#)
    }

    @Test func roundTripsThroughWriterAndParser() throws {
        let value = JSONValue.object(["q": .string("a\"b\\c\u{01}"), "n": .integer(Int64.max), "l": .array([])])
        #expect(try JSONParser.parse(JSONWriter.bytes(value)) == value)
    }

    @Test func surrogatePairsDecode() throws {
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == .string("😀"))
    }

    @Test(arguments: [
        ("{", 1, 2), ("{\"a\" 1}", 1, 6), ("[1,]", 1, 4), ("{\"a\":1}x", 1, 8), ("\n\n  tru", 3, 3), ("\"abc", 1, 5),
        ("{\"a\":1,\"a\":2}", 1, 12), ("01", 1, 2),
    ])
    func reportsWhereSyntaxErrorsAre(text: String, line: Int, column: Int) {
        #expect {
            try JSONParser.parse(text)
        } throws: { error in
            guard let error = error as? JSONSyntaxError else { return false }
            return error.line == line && error.column == column
        }
    }

    @Test func refusesDeepNestingAndInvalidUTF8() {
        let deep = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deep) }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse([0x22, 0xFF, 0xFE, 0x22]) }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse("\"a\u{01}b\"") }
    }
}
