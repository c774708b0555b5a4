import ArgumentParser
import MicroHTTP
import PolicyAPI
import PolicyCore
import Testing

@testable import netpold

/// `netpold lint` against an in-process server: what it prints and the status it exits with.
@Suite struct LintCommandTests {
    /// The CLI's requests handed straight to the router, as the HTTP client would send them.
    static func transport(_ router: Router) -> (String, String, [(String, String)], [UInt8]) throws -> HTTPResponse {
        { method, target, headers, body in
            var query: [String: String] = [:]
            let parts = target.split(separator: "?", maxSplits: 1)
            for pair in parts.count > 1 ? parts[1].split(separator: "&") : [] {
                let item = pair.split(separator: "=", maxSplits: 1)
                query[String(item[0])] = item.count > 1 ? String(item[1]) : ""
            }
            var fields: [String: String] = [:]
            for (name, value) in headers { fields[name] = value }
            return router.handle(HTTPRequest(method: method, path: String(parts[0]), query: query, headers: fields, body: body))
        }
    }

    /// Runs `netpold lint ARGUMENTS`: its exit status and printed lines.
    static func run(_ arguments: [String], _ router: Router) throws -> (status: Int32, lines: [String]) {
        var lines: [String] = []
        let status = try Netpold.Lint.parse(arguments).execute(send: transport(router), print: { lines.append($0) })
        return (status, lines)
    }

    static let pods = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: shop, labels: {app: web}}
        status: {podIP: 10.0.0.1}
        """

    static let typo = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: typo, namespace: shop}
        spec: {podSelector: {matchLabels: {app: wbe}}}
        """

    static func load(_ router: Router, _ yaml: String) {
        let response = router.handle(
            HTTPRequest(
                method: "POST", path: "/v1/import", headers: ["Content-Type": "application/yaml"], body: Array(yaml.utf8)))
        #expect(response.status == 200, "\(response.bodyText)")
    }

    @Test func theStoreExitsOneOnAFindingAtOrAboveTheSeverityZeroOtherwise() throws {
        let router = try router()
        Self.load(router, Self.pods)
        #expect(try Self.run([], router) == (0, []))
        Self.load(router, Self.typo)
        let found = try Self.run([], router)
        #expect(found.status == 1)
        #expect(
            found.lines == [
                "networkpolicy.networking.k8s.io/shop/typo spec.podSelector: warning: podSelector \"app=wbe\" selects no stored "
                    + "pod or workload template in namespace \"shop\", so the policy applies to nothing (a label typo, or pods "
                    + "not created yet) (SelectsNoPods)"
            ])
        // A warning is below --severity error: nothing to report, nothing to fail on.
        #expect(try Self.run(["--severity", "error"], router) == (0, []))
        let json = try Self.run(["-o", "json", "--severity", "info"], router)
        #expect(json.status == 1)
        let answer = try JSONParser.parse(Array(json.lines.joined().utf8))
        #expect(answer["findings"]?.arrayValue?.first?["code"] == "SelectsNoPods" && answer["revision"] == .integer(2))
    }

    @Test func filesAreLintedAsTheStoreWouldTakeThemWithoutStoringThem() throws {
        let router = try router()
        Self.load(router, Self.pods)
        let scratch = try ScratchFolder()
        try scratch.write("policies/typo.yaml", Self.typo)
        try scratch.write("policies/fine.yaml", Self.typo.replacing("typo", with: "fine").replacing("wbe", with: "web"))
        let found = try Self.run(["-f", scratch.path + "/policies"], router)
        #expect(found.status == 1)
        #expect(found.lines.count == 1 && found.lines[0].hasPrefix("networkpolicy.networking.k8s.io/shop/typo spec.podSelector:"))
        // Nothing was written: the store still has no findings.
        #expect(try Self.run([], router) == (0, []))
        #expect(try Self.run(["-f", scratch.path + "/policies/fine.yaml"], router) == (0, []))
        // -n places documents without a namespace, as for apply.
        try scratch.write(
            "bare.yaml", "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: b}\nspec: {podSelector: {}}\n")
        #expect(try Self.run(["-f", scratch.path + "/bare.yaml", "-n", "shop"], router) == (0, []))
    }

    @Test func anErrorIsStatusTwoNeverAFinding() throws {
        let router = try router()
        let scratch = try ScratchFolder()
        try scratch.write("bad.yaml", Self.typo.replacing("podSelector", with: "podSelecter"))
        // The server's refusal is printed, then thrown: `netpold` exits 2 for the commands that answer questions.
        #expect(throws: AlreadyReported.self) { try Self.run(["-f", scratch.path + "/bad.yaml"], router) }
        #expect(Netpold.answersQuestions(try Netpold.Lint.parse([])))
        #expect(Netpold.exitCode(for: Self.usageError(["--severity", "loud"])) == .validationFailure)
        #expect(Netpold.exitCode(for: Self.usageError(["-n", "shop"])) == .validationFailure)
    }

    static func usageError(_ arguments: [String]) -> any Error {
        do {
            _ = try Netpold.Lint.parse(arguments)
            return CleanError("parsed")
        } catch {
            return error
        }
    }

    @Test func theTallyCountsBySeverity() {
        let findings = [
            LintFinding(code: .denyAllInDisguise, object: nil, field: nil, message: "a"),
            LintFinding(code: .selectsNoPods, object: nil, field: nil, message: "b"),
            LintFinding(code: .selectsNoPods, object: nil, field: nil, message: "c"),
        ]
        #expect(
            Netpold.Lint.tally(findings, least: .warning, revision: 8, dryRun: false)
                == "3 findings at or above warning (1 error, 2 warnings) in revision 8.")
        #expect(
            Netpold.Lint.tally([], least: .error, revision: 3, dryRun: true)
                == "No findings at or above error in the files applied to revision 3.")
    }
}

@Suite struct ApplyFindingTests {
    @Test func applyPrintsFindingsAsWarningsAndStillReadsOldStrings() {
        let finding = LintFinding(
            code: .duplicatePolicy,
            object: LintFinding.Object(apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", namespace: "shop", name: "b"),
            field: "spec", message: "same as a")
        let document: JSONValue = .object([
            "revision": .integer(3), "results": .array([]), "skipped": .array([]), "warnings": .array([finding.json, "plain"]),
        ])
        #expect(
            Netpold.Apply.summary(document, dryRun: false) == [
                "Warning: networkpolicy.networking.k8s.io/shop/b spec: same as a (DuplicatePolicy, info)", "Warning: plain",
            ])
    }
}
