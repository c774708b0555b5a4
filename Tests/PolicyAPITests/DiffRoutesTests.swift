import MicroHTTP
import PolicyAPI
import PolicyCore
import Testing

/// `POST /v1/connectivity/diff`: what a bundle would open or close, validated as an import is,
/// never stored, and equal to what connectivity says after the import is really applied.
@Suite struct DiffRoutesTests {
    func cluster() throws -> APIHarness { try webDatabaseCluster() }

    /// The policy opened to every pod of x, on 6379 and 6380.
    let widened = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: db-access, namespace: x}
        spec:
          podSelector: {matchLabels: {app: db}}
          ingress:
          - from: [{podSelector: {}}]
            ports: [{port: 6379}, {port: 6380}]
        """

    func diff(_ api: APIHarness, _ yaml: String, _ query: String = "") -> (status: Int, json: JSONValue, text: String) {
        let answer = api.send("POST", "/v1/connectivity/diff" + query, yaml, contentType: "application/yaml")
        return (answer.status, answer.json, answer.text)
    }

    @Test func aDiffListsEachChangedPairWithBothAnswersAndStoresNothing() throws {
        let api = try cluster()
        let revision = api.send("GET", "/readyz").json["revision"]
        let answer = diff(api, widened)
        #expect(answer.status == 200, "\(answer.text)")
        let tcp = { (ports: [[Int64]]) in JSONValue.object(["TCP": .array(ports.map { .array($0.map(JSONValue.integer)) })]) }
        #expect(
            answer.json["changes"]
                == .array([
                    .object(["from": "x/a", "to": "x/b", "before": tcp([[6379, 6379]]), "after": tcp([[6379, 6380]])]),
                    .object(["from": "x/c", "to": "x/b", "before": .object([:]), "after": tcp([[6379, 6380]])]),
                ]))
        #expect(
            answer.json["summary"]
                == .object(["pairsChanged": .integer(2), "pairsGained": .integer(1), "pairsLost": .integer(0)]))
        #expect(answer.json["revision"] == revision)
        #expect(answer.json["results"]?[0]?["action"] == "updated")
        #expect(api.send("GET", "/readyz").json["revision"] == revision, "a diff stores nothing")
        #expect(api.send("GET", "/v1/decide?from=x/c&to=x/b&port=6379").json["allowed"] == .bool(false))
    }

    @Test func aDiffEqualsConnectivityAfterTheImportMinusBefore() throws {
        for grouping in ["pod", "workload", "namespace"] {
            let api = try cluster()
            func cells() -> [String: JSONValue] {
                var result: [String: JSONValue] = [:]
                for entry in api.send("GET", "/v1/connectivity?groupBy=\(grouping)").json["connections"]?.arrayValue ?? [] {
                    // A namespace cell is its ports and how many pod pairs have anything allowed.
                    result["\(entry["from"]!.stringValue!) \(entry["to"]!.stringValue!)"] = .array([
                        entry["ports"] ?? .null, entry["pairs"]?["allowed"] ?? .null,
                    ])
                }
                return result
            }
            let before = cells()
            let answer = diff(api, widened, "?groupBy=\(grouping)")
            #expect(api.importYAML(widened).status == 200)
            let after = cells()
            var expected: Set<String> = []
            for key in Set(before.keys).union(after.keys) where before[key] != after[key] { expected.insert(key) }
            let listed = Set(
                (answer.json["changes"]?.arrayValue ?? []).map { "\($0["from"]!.stringValue!) \($0["to"]!.stringValue!)" })
            #expect(listed == expected, "groupBy=\(grouping)")
        }
    }

    @Test func namespaceCellsCarryPairCountsOnBothSides() throws {
        let api = try cluster()
        let answer = diff(api, widened, "?groupBy=namespace")
        let change = answer.json["changes"]?[0]
        #expect(change?["from"] == "x" && change?["to"] == "x")
        #expect(change?["pairs"]?["before"] == .object(["allowed": .integer(5), "total": .integer(6)]))
        #expect(change?["pairs"]?["after"] == .object(["allowed": .integer(6), "total": .integer(6)]))
    }

    @Test func replaceModeCountsWhatTheBundleLeavesOut() throws {
        let api = try cluster()
        // The store as only the namespace and its pods: the policy is gone, x/b opens to all.
        let bundle = [
            namespaceX, podJSON("a", ip: "10.0.0.1", labels: #"{"app":"web"}"#),
            podJSON("b", ip: "10.0.0.2", labels: #"{"app":"db"}"#), podJSON("c", ip: "10.0.0.3", labels: "{}"),
        ].joined(separator: "\n---\n")
        let answer = diff(api, bundle, "?mode=replace")
        #expect(answer.status == 200, "\(answer.text)")
        let pairs = (answer.json["changes"]?.arrayValue ?? []).map { "\($0["from"]!.stringValue!) \($0["to"]!.stringValue!)" }
        #expect(pairs == ["x/a x/b", "x/c x/b"])
        #expect(answer.json["summary"]?["pairsGained"] == .integer(1))
        #expect(answer.json["results"]?.arrayValue?.contains { $0["action"] == "deleted" } == true)
    }

    @Test func anUnchangedBundleChangesNothing() throws {
        let api = try cluster()
        let same = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: db-access, namespace: x}
            spec:
              podSelector: {matchLabels: {app: db}}
              ingress:
              - from: [{podSelector: {matchLabels: {app: web}}}]
                ports: [{port: 6379}]
            """
        let answer = diff(api, same)
        #expect(answer.json["changes"] == .array([]))
        #expect(
            answer.json["summary"]
                == .object(["pairsChanged": .integer(0), "pairsGained": .integer(0), "pairsLost": .integer(0)]))
    }

    @Test func badDiffsAreRefusedAsImportsAreAndNameTheField() throws {
        let api = try cluster()
        #expect(diff(api, widened, "?mode=create").text.contains("\"field\":\"mode\""))
        #expect(diff(api, widened, "?groupBy=team").text.contains("\"field\":\"groupBy\""))
        #expect(diff(api, widened, "?dryRun=true").text.contains("\"field\":\"dryRun\""))
        let invalid = diff(
            api,
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: x}\nspec: {podSelector: 3}\n")
        #expect(invalid.status == 422)
        #expect(invalid.text.contains("spec.podSelector"))
        #expect(api.send("GET", "/v1/connectivity/diff").status == 405)
        #expect(diff(api, widened, "?namespace=x,nope").status == 404)
        // One namespace in scope is also the namespace of documents without one; another is refused, as by kubectl.
        #expect(diff(api, widened, "?namespace=y").status == 400)
    }

    @Test func aDiffOverTheConnectionLimitAsksToNarrow() throws {
        var options = RouterOptions()
        options.maxConnections = 1
        let api = try webDatabaseCluster(options: options)
        api.send("DELETE", "/apis/networking.k8s.io/v1/namespaces/x/networkpolicies/db-access")
        let denyAll =
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: x}\nspec: {podSelector: {}}\n"
        let answer = diff(api, denyAll)
        #expect(answer.status == 422)
        #expect(answer.text.contains("\"field\":\"groupBy\""))
        #expect(diff(api, denyAll, "?groupBy=namespace").status == 200)
    }
}
