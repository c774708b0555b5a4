import PolicyCore
import Testing

@Suite struct LabelSelectorTests {
    static let labels = ["app": "web", "tier": "front"]

    @Test(arguments: [
        (LabelSelector(), true),
        (LabelSelector(matchLabels: ["app": "web"]), true),
        (LabelSelector(matchLabels: ["app": "db"]), false),
        (LabelSelector(requirements: [.init(key: "tier", operator: .in, values: ["front", "back"])]), true),
        (LabelSelector(requirements: [.init(key: "tier", operator: .notIn, values: ["front"])]), false),
        (LabelSelector(requirements: [.init(key: "zone", operator: .notIn, values: ["a"])]), true),
        (LabelSelector(requirements: [.init(key: "app", operator: .exists)]), true),
        (LabelSelector(requirements: [.init(key: "zone", operator: .doesNotExist)]), true),
        (LabelSelector(matchLabels: ["app": "web"], requirements: [.init(key: "app", operator: .doesNotExist)]), false),
    ])
    func matchLabelsAndExpressionsAreANDed(selector: LabelSelector, expected: Bool) {
        #expect(selector.matches(Self.labels) == expected)
    }

    @Test(arguments: [
        ("", true), ("app=web", true), ("app==web", true), ("app!=web", false), ("app in (web, api)", true),
        ("app notin (web)", false), ("zone notin (a)", true), ("app", true), ("!app", false), ("!zone", true),
        ("app=web,tier=back", false), ("app=web, tier in (front)", true), ("zone!=a", true),
    ])
    func queryStringsFollowKubectlSyntax(query: String, expected: Bool) throws {
        #expect(try LabelQuery(query).matches(Self.labels) == expected)
    }

    @Test(arguments: ["app=", "=web", "app in web", "app in (a", "app ~ b", "-bad-=x", "app=web,"])
    func malformedQueriesAreRejected(query: String) {
        if query == "app=" {
            // An empty value is legal: it matches a label whose value is "".
            #expect((try? LabelQuery(query)) != nil)
            return
        }
        #expect(throws: FieldError.self) { try LabelQuery(query) }
    }
}

@Suite struct NameRulesTests {
    @Test(arguments: [
        ("web", true), ("a-1", true), ("-a", false), ("A", false), ("a.b", false), (String(repeating: "a", count: 64), false),
    ])
    func dns1123Labels(name: String, valid: Bool) {
        #expect((NameRules.dns1123LabelProblem(name) == nil) == valid)
    }

    @Test(arguments: [
        ("example.com/app", true), ("app", true), ("App_1.x", true), ("/app", false), ("a/b/c", false), ("-app", false),
        ("Example.com/app", false),
    ])
    func labelKeys(key: String, valid: Bool) {
        #expect((NameRules.labelKeyProblem(key) == nil) == valid)
    }

    @Test(arguments: [("", true), ("v1.2_x", true), ("-v", false), (String(repeating: "v", count: 64), false), ("a b", false)])
    func labelValues(value: String, valid: Bool) {
        #expect((NameRules.labelValueProblem(value) == nil) == valid)
    }

    @Test(arguments: [
        ("http", true), ("serve-80-tcp", true), ("80", false), ("a--b", false), ("-a", false), ("abcdefghijklmnop", false),
        ("Http", false),
    ])
    func portNames(name: String, valid: Bool) {
        #expect((NameRules.portNameProblem(name) == nil) == valid)
    }

    @Test func suggestionsCatchCaseAndSmallTypos() {
        let known = ["podSelector", "namespaceSelector", "ipBlock"]
        #expect(FieldReader.suggestion(for: "NamespaceSelector", among: known) == "namespaceSelector")
        #expect(FieldReader.suggestion(for: "podSelecter", among: known) == "podSelector")
        #expect(FieldReader.suggestion(for: "selector", among: known) == nil)
    }
}
