import Glibc
import PolicyCore
import Testing

let examplesDirectory = repositoryRoot + "/examples"

/// An example shipped in `examples/`; a missing or empty file fails the test rather than importing nothing.
func example(_ name: String) throws -> String {
    let text = readFile(examplesDirectory + "/" + name)
    try #require(!text.isEmpty, "examples/\(name) is missing or empty")
    return text
}

@Suite struct BundleRoutesTests {
    @Test func importReportsEachObjectAndCreatesNamespacesFirst() throws {
        let api = try APIHarness()
        let bundle = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny, namespace: x}
            spec: {podSelector: {}}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: x}
            """
        let response = api.importYAML(bundle)
        #expect(response.status == 200)
        let results = response.json["results"]?.arrayValue ?? []
        #expect(results.map { $0["kind"]?.stringValue } == ["Namespace", "NetworkPolicy"])
        #expect(results.allSatisfy { $0["action"] == .string("created") })
        #expect(response.json["revision"] == .integer(1))
    }

    @Test func oneBadDocumentChangesNothingAndIsLocated() throws {
        let api = try APIHarness()
        api.send("POST", "/api/v1/namespaces", namespaceX)
        let bundle = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: y}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: bad, namespace: x}
            spec:
              podSelector: {}
              ingress:
              - ports:
                - port: 99999
            """
        let response = api.importYAML(bundle)
        #expect(response.status == 422)
        let message = response.json["message"]?.stringValue ?? ""
        #expect(message.contains("document 1"))
        #expect(message.contains("line 12"))
        #expect(response.json["details"]?["causes"]?.arrayValue?.first?["field"] == .string("spec.ingress[0].ports[0].port"))
        #expect(api.send("GET", "/api/v1/namespaces/y").status == 404)
        #expect(api.send("GET", "/version").status == 200)
    }

    @Test func aYAMLSyntaxErrorInALaterDocumentFailsTheWholeBundle() throws {
        let api = try APIHarness()
        let response = api.importYAML("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nkind: [unclosed\n")
        #expect(response.status == 400)
        #expect(response.json["message"]?.stringValue?.contains("YAML document 1") == true)
        #expect(api.send("GET", "/api/v1/namespaces/a").status == 404)
    }

    @Test func createModeRefusesExistingObjectsAndReplaceModeDeletesTheRest() throws {
        let api = try APIHarness()
        api.importYAML(
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n")
        #expect(api.importYAML("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n", mode: "create").status == 409)
        let replaced = api.importYAML("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n", mode: "replace")
        #expect(replaced.status == 200)
        let actions = (replaced.json["results"]?.arrayValue ?? []).map {
            "\($0["name"]?.stringValue ?? "") \($0["action"]?.stringValue ?? "")"
        }
        #expect(actions == ["a unchanged", "b deleted"])
        #expect(api.send("GET", "/api/v1/namespaces/b").status == 404)
    }

    @Test func dryRunReportsButKeepsNothing() throws {
        let api = try APIHarness()
        let response = api.importYAML("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n", extra: "&dryRun=true")
        #expect(response.json["dryRun"] == .bool(true))
        #expect(response.json["results"]?.arrayValue?.first?["action"] == .string("created"))
        #expect(api.send("GET", "/api/v1/namespaces/a").status == 404)
    }

    @Test func theNamespaceParameterFillsDocumentsThatNameNone() throws {
        let api = try APIHarness()
        api.send("POST", "/api/v1/namespaces", namespaceX)
        let response = api.importYAML(try example("deny-ingress.yaml"), extra: "&namespace=x")
        #expect(response.status == 200)
        #expect(api.send("GET", "/apis/networking.k8s.io/v1/namespaces/x/networkpolicies/deny-ingress").status == 200)
    }

    @Test func jsonListsImportLikeYAMLStreams() throws {
        let api = try APIHarness()
        let list = #"{"kind":"List","apiVersion":"v1","items":[\#(namespaceX),\#(podJSON("a", ip: "10.0.0.1"))]}"#
        let response = api.send("POST", "/v1/import", list, contentType: "application/json")
        #expect(response.status == 200)
        #expect(response.json["results"]?.arrayValue?.count == 2)
    }

    @Test func aBundleMayNotNameOneObjectTwice() throws {
        let api = try APIHarness()
        let response = api.importYAML(
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")
        #expect(response.status == 400)
    }

    @Test func anExportImportedWithReplaceIsUnchanged() throws {
        let api = try APIHarness()
        api.send("POST", "/api/v1/namespaces", namespaceX)
        api.send("POST", "/api/v1/namespaces/x/pods", podJSON("a", ip: "10.0.0.1"))
        api.send("POST", "/apis/networking.k8s.io/v1/namespaces/x/networkpolicies", denyAllIngress)
        for accept in ["application/yaml", "application/json"] {
            let export = api.send("GET", "/v1/export", accept: accept)
            #expect(export.status == 200)
            let response = api.send("POST", "/v1/import?mode=replace", export.text, contentType: accept)
            let actions = (response.json["results"]?.arrayValue ?? []).compactMap { $0["action"]?.stringValue }
            #expect(actions == ["unchanged", "unchanged", "unchanged"], "\(accept): \(response.text)")
            #expect(response.json["revision"] == .integer(3))
        }
    }

    @Test(arguments: [
        "deny-ingress.yaml", "backend-from-frontend.yaml", "web-from-anywhere.yaml", "sandbox-namespace.yaml",
        "legacy-allow-trusted.yaml", "legacy-deny-egress.yaml",
    ])
    func theShippedExamplesImport(file: String) throws {
        let api = try APIHarness()
        #expect(api.importYAML(try example("pods.yaml")).status == 200)
        // Like `kubectl -n`, the namespace is for the examples that name none.
        let text = try example(file)
        let response = api.importYAML(text, extra: text.contains("namespace: sandbox") ? "" : "&namespace=shop")
        #expect(response.status == 200, "\(response.text)")
        #expect(response.json["results"]?.arrayValue?.isEmpty == false)
    }

    @Test func theGuidesIntraNamespaceExampleIsRejectedWithASuggestionAndImportsOnceFixed() throws {
        let api = try APIHarness()
        #expect(api.importYAML(try example("sandbox-namespace.yaml")).status == 200)
        let original = try example("sandbox-allow-typo.yaml")
        #expect(original.contains("NamespaceSelector"))
        let rejected = api.importYAML(original)
        #expect(rejected.status == 422)
        let message = rejected.json["message"]?.stringValue ?? ""
        #expect(message.contains("NamespaceSelector"))
        #expect(message.contains("did you mean namespaceSelector?"))
        #expect(message.contains("line 12"))
        let fixed = original.replacingOccurrences(of: "NamespaceSelector", with: "namespaceSelector")
            .replacingOccurrences(of: "podSelector:\n", with: "podSelector: {}\n")
        #expect(api.importYAML(fixed).status == 200, "\(api.importYAML(fixed).text)")
    }

    @Test func aRestartKeepsEveryObject() throws {
        try withTemporaryFile { path in
            do {
                let api = try APIHarness(path: path)
                api.send("POST", "/api/v1/namespaces", namespaceX)
                api.send("POST", "/api/v1/namespaces/x/pods", podJSON("a", ip: "10.0.0.1"))
                api.send("POST", "/apis/networking.k8s.io/v1/namespaces/x/networkpolicies", denyAllIngress)
            }
            let reopened = try APIHarness(path: path)
            #expect(reopened.send("GET", "/api/v1/pods").json["items"]?.arrayValue?.count == 1)
            let decision = reopened.send("GET", "/v1/decide?from=8.8.8.8&to=x/a&port=80").json
            #expect(decision["allowed"] == .bool(false))
            #expect(decision["revision"] == .integer(3))
        }
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

func withTemporaryFile<T>(_ body: (String) throws -> T) throws -> T {
    let path = "/tmp/netpold-api-\(UInt64.random(in: 0...UInt64.max)).db"
    defer { for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) } }
    return try body(path)
}
