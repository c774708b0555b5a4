import MicroHTTP
import PolicyCore
import Testing

@testable import PolicyAPI

/// Namespaces shop and ops; pods shop/web (app=web, 10.0.0.1) and shop/db (app=db, 10.0.0.2).
private let cluster = [
    "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}", "apiVersion: v1\nkind: Namespace\nmetadata: {name: ops}",
    podYAML("web", namespace: "shop", ip: "10.0.0.1"), podYAML("db", namespace: "shop", ip: "10.0.0.2", labels: "{app: db}"),
].joined(separator: "\n---\n")

private func networkPolicy(_ name: String, namespace: String = "shop", _ spec: String) -> String {
    "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: \(name), namespace: \(namespace)}\nspec: \(spec)"
}

/// A podSelector with a typo: SelectsNoPods (warning).
private let typo = networkPolicy("typo", "{podSelector: {matchLabels: {app: wbe}}}")
/// Its only peer selects nothing: PeerSelectsNothing (warning) and DenyAllInDisguise (error).
private let closed = networkPolicy(
    "closed", "{podSelector: {matchLabels: {app: web}}, ingress: [{from: [{podSelector: {matchLabels: {app: ghost}}}]}]}")

@Suite struct LintRoutesTests {
    func codes(_ findings: JSONValue?) -> [String] {
        (findings?.arrayValue ?? []).map { "\($0["code"]?.stringValue ?? "?") \($0["object"]?["name"]?.stringValue ?? "-")" }
    }

    @Test func everyFindingOfTheCurrentRevisionWithFilters() throws {
        let api = try APIHarness()
        let imported = api.importYAML([cluster, typo, closed].joined(separator: "\n---\n"))
        #expect(imported.status == 200, "\(imported.text)")
        let all = api.send("GET", "/v1/lint")
        #expect(all.status == 200)
        #expect(all.json["revision"] == imported.json["revision"])
        #expect(
            codes(all.json["findings"]) == ["DenyAllInDisguise closed", "PeerSelectsNothing closed", "SelectsNoPods typo"])
        let finding = all.json["findings"]?[1]
        #expect(
            finding
                == .object([
                    "code": "PeerSelectsNothing", "severity": "warning",
                    "object": .object([
                        "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "namespace": "shop", "name": "closed",
                    ]),
                    "field": "spec.ingress[0].from[0]",
                    "message": .string(
                        "this peer's podSelector \"app=ghost\" matches no stored pod or workload template in namespace \"shop\", "
                            + "so the rule allows no connection from it"),
                ]))
        #expect(codes(api.send("GET", "/v1/lint?severity=error").json["findings"]) == ["DenyAllInDisguise closed"])
        #expect(codes(api.send("GET", "/v1/lint?namespace=ops").json["findings"]) == [])
        #expect(codes(api.send("GET", "/v1/lint?namespace=ops,shop&severity=warning").json["findings"]).count == 3)
    }

    @Test func aFirstQuestionAboutANamespaceAnswersAsTheWholeRevisionFiltered() throws {
        let api = try APIHarness()
        #expect(api.importYAML([cluster, typo, closed].joined(separator: "\n---\n")).status == 200)
        // Asked first, only the namespace's policies are linted; the answer is the same once the
        // whole revision's findings are kept.
        let first = api.send("GET", "/v1/lint?namespace=shop").json["findings"]
        #expect(codes(first) == ["DenyAllInDisguise closed", "PeerSelectsNothing closed", "SelectsNoPods typo"])
        _ = api.send("GET", "/v1/lint")
        #expect(api.send("GET", "/v1/lint?namespace=shop").json["findings"] == first)
    }

    @Test func badAndUnknownParametersAreRefusedByName() throws {
        let api = try APIHarness()
        for (query, field) in [("severity=loud", "severity"), ("namespace=Not_A_Name", "namespace"), ("verbose=1", "verbose")] {
            let response = api.send("GET", "/v1/lint?\(query)")
            #expect(response.status == 422, "\(query)")
            #expect(response.json["details"]?["causes"]?[0]?["field"] == .string(field), "\(response.text)")
        }
        #expect(api.send("POST", "/v1/lint").status == 405)
    }

    @Test func lintIsABackgroundAndHeavyRequest() {
        #expect(Router.lane(for: HTTPRequest(method: "GET", path: "/v1/lint")) == .background)
    }

    @Test func aPolicyWriteCarriesItsFindingsAsWarningHeaders() throws {
        let api = try APIHarness()
        api.importYAML(cluster)
        let path = "/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies/typo"
        let body = #"{"metadata":{"name":"typo"},"spec":{"podSelector":{"matchLabels":{"app":"wbe"}}}}"#
        let response = api.router.handle(
            HTTPRequest(method: "PUT", path: path, headers: ["Content-Type": "application/json"], body: Array(body.utf8)))
        #expect(response.status == 201)
        let warnings = response.headers.filter { $0.name == "Warning" }.map(\.value)
        #expect(
            warnings == [
                #"299 - "networkpolicy.networking.k8s.io/shop/typo spec.podSelector: podSelector \"app=wbe\" selects no "#
                    + #"stored pod or workload template in namespace \"shop\", so the policy applies to nothing (a label "#
                    + #"typo, or pods not created yet) (SelectsNoPods)""#
            ])
        // Fixed, it says nothing; a pod write lints nothing at all.
        let fixed = api.router.handle(
            HTTPRequest(
                method: "PUT", path: path, headers: ["Content-Type": "application/json"],
                body: Array(body.replacing("wbe", with: "web").utf8)))
        #expect(fixed.status == 200 && fixed.header("Warning") == nil)
        let pod = api.router.handle(
            HTTPRequest(
                method: "POST", path: "/api/v1/namespaces/shop/pods", headers: ["Content-Type": "application/yaml"],
                body: Array(podYAML("api", namespace: "shop", ip: "10.0.0.3").utf8)))
        #expect(pod.status == 201 && pod.header("Warning") == nil)
    }

    @Test func warningTextIsAQuotedString() {
        #expect(Router.warningValue(#"a "b" c\d"#) == #"299 - "a \"b\" c\\d""#)
        #expect(Router.warningValue("line\none\ttab") == #"299 - "line one tab""#)
    }

    @Test func warningHeadersStayWithinFourKiBSoTheAnswerCanBeSent() {
        let long = String(repeating: "x", count: 1000)
        let findings = (0..<40).map { LintFinding(code: .selectsNoPods, object: nil, field: nil, message: long + "\($0)") }
        let headers = Router.warningHeaders(findings)
        #expect(headers.reduce(0) { $0 + $1.value.utf8.count } <= Router.warningBytesLimit)
        #expect(headers.dropLast().allSatisfy { $0.value.hasSuffix("...\"") && $0.value.count < 300 })
        #expect(headers.last?.value.contains("more findings: the response body or GET /v1/lint lists them all") == true)
    }

    @Test func manyFindingsAreCappedWithACount() {
        let findings = (0..<60).map { LintFinding(code: .selectsNoPods, object: nil, field: nil, message: "m\($0)") }
        let headers = Router.warningHeaders(findings)
        #expect(headers.count == Router.warningHeaderLimit)
        #expect(headers.last?.value == #"299 - "11 more findings: the response body or GET /v1/lint lists them all""#)
    }

    @Test func anImportReportsFindingObjectsAboutWhatItWrote() throws {
        let api = try APIHarness()
        api.importYAML(cluster)
        // x names a namespace neither the bundle nor the store holds: implied, and reported so.
        let response = api.importYAML(
            [typo, networkPolicy("x", namespace: "new", "{podSelector: {}}")].joined(separator: "\n---\n"))
        #expect(response.status == 200)
        let warnings = response.json["warnings"]
        #expect(codes(warnings) == ["NamespaceImplied -", "SelectsNoPods x", "SelectsNoPods typo"])
        #expect(warnings?[0]?["severity"] == "info" && warnings?[0]?["object"] == nil)
        #expect(warnings?[0]?["message"]?.stringValue?.hasPrefix("namespace new is not in the bundle") == true)
        // Importing the same again still reports the policies' findings: they are in the bundle.
        let again = api.importYAML(typo)
        #expect(codes(again.json["warnings"]) == ["SelectsNoPods typo"])
    }

    @Test func aDryRunReportsWhatItWouldWriteAndStoresNothing() throws {
        let api = try APIHarness()
        api.importYAML(cluster)
        let before = api.send("GET", "/v1/lint")
        let dryRun = api.importYAML(closed, extra: "&dryRun=true")
        #expect(dryRun.status == 200)
        #expect(codes(dryRun.json["warnings"]) == ["DenyAllInDisguise closed", "PeerSelectsNothing closed"])
        #expect(api.send("GET", "/v1/lint").json == before.json)
        #expect(api.send("GET", "/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies/closed").status == 404)
        // The dry run is judged on the store as it would be: a pod in the same bundle counts.
        let withPod = api.importYAML(
            closed + "\n---\n" + podYAML("ghost", namespace: "shop", ip: "10.0.0.9", labels: "{app: ghost}"),
            extra: "&dryRun=true")
        #expect(codes(withPod.json["warnings"]) == [])
    }
}
