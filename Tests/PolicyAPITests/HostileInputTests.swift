import MicroHTTP
import PolicyAPI
import PolicyCore
import Testing

@Suite struct HostileInputTests {
    @Test func aYAMLAliasBombIsRefusedAndChangesNothing() throws {
        let api = try APIHarness()
        let response = api.importYAML(aliasBomb(levels: 9, width: 10))
        #expect(response.status == 400)
        #expect(response.json["message"]?.stringValue?.contains("expands to more than") == true)
        #expect(api.send("GET", "/api/v1/namespaces").json["items"]?.arrayValue?.isEmpty == true)
    }

    @Test func anAliasUsedAsAMappingKeyIsChargedForWhatItNames() throws {
        // Composers that hash keys would walk the whole expansion of `*i` before any check.
        let response = try APIHarness().importYAML(aliasBomb(levels: 9, width: 10) + "j: {*i: 1}\n")
        #expect(response.status == 400)
        #expect(response.json["message"]?.stringValue?.contains("expands to more than") == true)
    }

    @Test(arguments: [
        String(repeating: "[", count: 100_000),
        "a: " + String(repeating: "{b: ", count: 50_000),
        "a:\n" + String(repeating: " ", count: 5000) + "b: 1\n",
    ])
    func deepNestingIsRefusedBeforeParsing(yaml: String) throws {
        let response = try APIHarness().importYAML(yaml)
        #expect(response.status == 400)
    }

    @Test func deepJSONIsRefused() throws {
        let body = String(repeating: "[", count: 100_000)
        #expect(try APIHarness().send("POST", "/v1/import", body, contentType: "application/json").status == 400)
        #expect(try APIHarness().send("POST", "/v1/decide", body).status == 400)
    }

    @Test func invalidUTF8AndNULBytesAreRefused() throws {
        let api = try APIHarness()
        let invalid = api.router.handle(
            .init(
                method: "POST", path: "/v1/import", headers: ["Content-Type": "application/yaml"],
                body: [0x61, 0x3A, 0x20, 0xFF, 0xFE]))
        #expect(invalid.status == 400)
        let nul = api.send("POST", "/v1/import", "apiVersion: v1\u{0}\nkind: Namespace\n", contentType: "application/yaml")
        #expect(nul.status == 400)
    }

    @Test(arguments: [
        #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":5}}"#,
        #"{"apiVersion":"v1","kind":"Namespace","metadata":"x"}"#,
        #"{"apiVersion":7,"kind":"Namespace","metadata":{"name":"a"}}"#,
        #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","namespace":"x","labels":{"a":1}}}"#,
        #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","namespace":"x"},"spec":{"containers":"no"}}"#,
        #"{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p","namespace":"x"},"spec":{"ingress":[{"from":{"podSelector":{}}}]}}"#,
        #"{"apiVersion":"projectcalico.org/v3","kind":"GlobalNetworkPolicy","metadata":{"name":"g"},"spec":{"ingress":[{"action":["Allow"]}]}}"#,
        #"["not","an","object"]"#,
    ])
    func wrongTypesAreA4xxStatusNotACrash(document: String) throws {
        let api = try APIHarness()
        api.send("POST", "/api/v1/namespaces", namespaceX)
        let response = api.send("POST", "/v1/import", document, contentType: "application/json")
        #expect((400..<500).contains(response.status), "\(response.text)")
        #expect(response.json["kind"] == .string("Status"))
    }

    @Test func hugeLabelValuesAreRefusedWithTheField() throws {
        let api = try APIHarness()
        let value = String(repeating: "v", count: 100_000)
        let response = api.send("POST", "/api/v1/namespaces", #"{"metadata":{"name":"a","labels":{"k":"\#(value)"}}}"#)
        #expect(response.status == 422)
        #expect(response.json["details"]?["causes"]?.arrayValue?.first?["field"] == .string("metadata.labels[k]"))
    }

    @Test func concurrentReplacesWithOneResourceVersionHaveExactlyOneWinner() async throws {
        let api = try APIHarness()
        api.send("POST", "/api/v1/namespaces", namespaceX)
        let router = api.router
        let codes = await withTaskGroup(of: Int.self) { group in
            for index in 0..<16 {
                group.addTask {
                    router.handle(
                        .init(
                            method: "PUT", path: "/api/v1/namespaces/x",
                            body: Array(#"{"metadata":{"name":"x","resourceVersion":"1","labels":{"writer":"w\#(index)"}}}"#.utf8)
                        )
                    ).status
                }
            }
            var codes: [Int] = []
            for await code in group { codes.append(code) }
            return codes
        }
        #expect(codes.filter { $0 == 200 }.count == 1)
        #expect(codes.filter { $0 == 409 }.count == 15)
    }
}

/// `a: &a [x, ...]`, then each level a list of `width` aliases of the one before, the last level
/// anchored as `i`: width^levels nodes from a few hundred bytes.
func aliasBomb(levels: Int, width: Int) -> String {
    var bomb = "a: &a [" + Array(repeating: "\"lol\"", count: width).joined(separator: ",") + "]\n"
    var previous = "a"
    for level in 1..<levels {
        let name = level == levels - 1 ? "i" : "l\(level)"
        bomb += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: width).joined(separator: ",") + "]\n"
        previous = name
    }
    return bomb
}
