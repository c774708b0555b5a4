import PolicyCore
import Testing
import YAMLReader

@Suite struct YAMLStreamReaderTests {
    @Test func scalarsResolveAsKubernetesReadsThem() throws {
        let documents = try YAMLStreamReader.documents(
            "a: 1\nb: \"1\"\nc: !!str 2\nd: true\ne: ~\nf: 1.5\ng: web\n'3': x\n")
        let value = try #require(documents.first?.value)
        #expect(value["a"] == .integer(1))
        #expect(value["b"] == .string("1"))
        #expect(value["c"] == .string("2"))
        #expect(value["d"] == .bool(true))
        #expect(value["e"] == .null)
        #expect(value["f"] == .double(1.5))
        #expect(value["g"] == .string("web"))
        #expect(value["3"] == .string("x"))
    }

    @Test func anAliasStandsForWhatItsAnchorNames() throws {
        let documents = try YAMLStreamReader.documents("base: &labels {app: web}\ncopy: *labels\nkey: &k name\n*k : 1\n")
        let value = try #require(documents.first?.value)
        #expect(value["copy"] == .object(["app": .string("web")]))
        #expect(value["name"] == .integer(1))
    }

    @Test func eachAliasIsChargedTheSizeOfWhatItNames() throws {
        // The mapping, keys `a` and `b`, the list `a` names (3 nodes) and the outer list: 7 nodes;
        // each alias of `a` adds 3 more.
        let text = "a: &a [1, 2]\nb: [*a, *a]\n"
        #expect(throws: Never.self) { try YAMLStreamReader.documents(text, limits: YAMLLimits(maxNodes: 13)) }
        #expect(throws: YAMLReadError.self) { try YAMLStreamReader.documents(text, limits: YAMLLimits(maxNodes: 12)) }
    }

    @Test func anchorsDoNotReachIntoTheNextDocument() {
        #expect(throws: YAMLReadError.self) { try YAMLStreamReader.documents("a: &x 1\n---\nb: *x\n") }
    }

    @Test(arguments: [
        ("a: 1\na: 2\n", "duplicate keys in mapping: a"),
        ("? [1]\n: 2\n", "mapping keys must be strings"),
        ("x: &m {a: 1}\n*m : 2\n", "mapping keys must be strings"),
        ("a: [1, 2\n", "did not find expected"),
        ("a: *nothing\n", "undefined alias"),
    ])
    func badStreamsAreRefusedWithAReason(text: String, reason: String) {
        do {
            _ = try YAMLStreamReader.documents(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.message.contains(reason), "\(error.message)")
        }
    }

    @Test func nestingBeyondTheLimitIsRefused() {
        #expect(throws: YAMLReadError.self) {
            try YAMLStreamReader.documents(String(repeating: "[", count: 200), limits: YAMLLimits(maxDepth: 100))
        }
    }

    @Test func fieldsKeepTheLinesTheyCameFrom() throws {
        let text = "kind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n  - name: c\n    image: i\n---\nkind: Namespace\n"
        let documents = try YAMLStreamReader.documents(text)
        #expect(documents.count == 2)
        #expect(documents[0].fieldLines["metadata.name"] == 3)
        #expect(documents[0].fieldLines["spec.containers[0]"] == 6)
        #expect(documents[0].fieldLines["spec.containers[0].image"] == 7)
        #expect(documents[1].line == 9)
    }
}
