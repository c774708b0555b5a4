import PolicyCore
import Testing

@Suite struct CalicoSelectorTests {
    @Test(arguments: [
        ("a == 'x'", ["a": "x"], true), ("a == 'x'", [:], false),
        ("a != 'x'", [:], true), ("a != 'x'", ["a": "x"], false),
        ("a in {'x', 'y'}", ["a": "y"], true), ("a in {}", ["a": "y"], false),
        ("a not in {'x'}", [:], true), ("a notin {'x'}", ["a": "x"], false),
        ("has(a)", ["a": ""], true), ("!has(a)", ["a": ""], false),
        ("a contains 'bc'", ["a": "abcd"], true), ("a startswith 'ab'", ["a": "abcd"], true),
        ("a ends with 'cd'", ["a": "abcd"], true), ("a endswith 'x'", ["a": "abcd"], false),
        ("all()", [:], true), ("global()", [:], true), ("", [:], true),
        ("a == 'x' || b == 'y' && c == 'z'", ["a": "x"], true),
        ("(a == 'x' || b == 'y') && c == 'z'", ["a": "x"], false),
        ("!a == 'x' && b == 'y'", ["b": "y"], true),
        ("contains contains 'contains'", ["contains": "xcontainsx"], true),
        ("a in {\"x\",}", ["a": "x"], true),
    ])
    func everyOperatorEvaluatesAsCalicoDoes(selector: String, labels: [String: String], expected: Bool) throws {
        #expect(try CalicoSelector(parsing: selector).matches(labels) == expected)
    }

    @Test(arguments: [
        ("a==\"b\"&&c == 'd'", "(a == \"b\" && c == \"d\")"),
        ("a in {'z','x','z'}", "a in {\"x\", \"z\"}"),
        ("a == 'say \"hi\"'", "a == 'say \"hi\"'"),
        ("  ", "all()"),
        ("!! has(a)", "has(a)"),
        ("a startswith 'x' || a endswith 'y'", "(a starts with \"x\" || a ends with \"y\")"),
        ("a notin {}", "a not in {}"),
    ])
    func canonicalFormMatchesCalicos(selector: String, canonical: String) throws {
        #expect(try CalicoSelector(parsing: selector).description == canonical)
    }

    @Test(arguments: [
        ("a", 1), ("a == b", 5), ("'x' == a", 0), ("a == 'x' &", 9), ("has()", 5), ("a == 'x", 5), ("a === 'x'", 4),
        ("a\n== 'x'", 1),
    ])
    func syntaxErrorsNameThePosition(selector: String, position: Int) {
        #expect {
            try CalicoSelector(parsing: selector)
        } throws: { error in
            (error as? SelectorSyntaxError)?.position == position
        }
    }

    @Test func labelsLongerThan512CharactersAreRefused() {
        #expect(throws: SelectorSyntaxError.self) { try CalicoSelector(parsing: String(repeating: "a", count: 513) + " == 'x'") }
        #expect((try? CalicoSelector(parsing: String(repeating: "a", count: 512) + " == 'x'")) != nil)
    }

    @Test func namespaceSelectorsBecomePrefixedSelectors() throws {
        let selector = try CalicoSelector(parsing: "team == 'ops'").prefixingKeys(with: "pcns.")
        #expect(selector.matches(["pcns.team": "ops"]))
        #expect(!selector.matches(["team": "ops"]))
        #expect(CalicoSelector.all.prefixingKeys(with: "pcns.") == .has("projectcalico.org/namespace"))
    }
}
