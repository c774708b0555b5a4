import MicroHTTP
import PolicyCore
import Testing

@testable import PolicyAPI

/// Tiers, admin policies and staged policies over HTTP: their Kubernetes paths, the tier a
/// policy names must exist while it is in it, explanations that name tiers, and staged answers.
@Suite struct TierRoutesTests {
    static let securityTier =
        #"{"apiVersion":"projectcalico.org/v3","kind":"Tier","metadata":{"name":"security"},"spec":{"order":100}}"#
    static let tieredPolicy =
        #"{"apiVersion":"projectcalico.org/v3","kind":"GlobalNetworkPolicy","metadata":{"name":"security.deny-b"},"spec":{"tier":"security","selector":"app == 'web'","ingress":[{"action":"Deny","source":{"selector":"app == 'b'"}},{"action":"Pass"}]}}"#

    static func cluster() -> APIHarness? {
        guard let api = try? APIHarness() else { return nil }
        api.send("POST", "/api/v1/namespaces", namespaceX)
        api.send("POST", "/api/v1/namespaces/x/pods", podJSON("web", ip: "10.0.0.1"))
        api.send("POST", "/api/v1/namespaces/x/pods", podJSON("b", ip: "10.0.0.2", labels: #"{"app":"b"}"#))
        return api
    }

    @Test func aPolicyInATierThatDoesNotExistIsRefusedNamingSpecTier() throws {
        let api = try #require(Self.cluster())
        let response = api.send("POST", "/apis/projectcalico.org/v3/globalnetworkpolicies", Self.tieredPolicy)
        #expect(response.status == 422, "\(response.text)")
        #expect(response.json["details"]?["causes"]?.arrayValue?.first?["field"] == .string("spec.tier"))
        #expect(response.json["message"]?.stringValue?.contains(#"tier "security" not found"#) == true)
        #expect(api.send("GET", "/apis/projectcalico.org/v3/globalnetworkpolicies/security.deny-b").status == 404)
    }

    @Test func aTierCannotBeDeletedWhileAPolicyIsInIt() throws {
        let api = try #require(Self.cluster())
        #expect(api.send("POST", "/apis/projectcalico.org/v3/tiers", Self.securityTier).status == 201)
        #expect(api.send("POST", "/apis/projectcalico.org/v3/globalnetworkpolicies", Self.tieredPolicy).status == 201)
        let refused = api.send("DELETE", "/apis/projectcalico.org/v3/tiers/security")
        #expect(refused.status == 409, "\(refused.text)")
        #expect(refused.json["message"]?.stringValue?.contains("security.deny-b") == true)
        #expect(api.send("DELETE", "/apis/projectcalico.org/v3/globalnetworkpolicies/security.deny-b").status == 200)
        #expect(api.send("DELETE", "/apis/projectcalico.org/v3/tiers/security").status == 200)
    }

    @Test func aTierAndItsPoliciesImportTogetherAndAnswersNameTheTier() throws {
        let api = try #require(Self.cluster())
        let imported = api.importYAML(
            """
            apiVersion: projectcalico.org/v3
            kind: GlobalNetworkPolicy
            metadata: {name: security.deny-b}
            spec: {tier: security, selector: "app == 'web'", ingress: [{action: Deny, source: {selector: "app == 'b'"}}, {action: Pass}]}
            ---
            apiVersion: projectcalico.org/v3
            kind: Tier
            metadata: {name: security}
            spec: {order: 100}
            """)
        #expect(imported.status == 200, "\(imported.text)")
        let denied = api.send("GET", "/v1/decide?from=x/b&to=x/web&port=8080").json
        #expect(denied["allowed"] == .bool(false))
        #expect(denied["ingress"]?["tier"] == .string("security"))
        let passed = api.send("GET", "/v1/decide?from=10.9.9.9&to=x/web&port=8080").json
        #expect(passed["allowed"] == .bool(true))
        #expect(passed["ingress"]?["reason"] == .string("PassedThrough"))
        #expect(passed["ingress"]?["passed"]?[0]?["tier"] == .string("security"))
    }

    @Test func anAdminDenyIsServedAndExplainedWithItsTierAndRuleName() throws {
        let api = try #require(Self.cluster())
        api.send(
            "POST", "/apis/networking.k8s.io/v1/namespaces/x/networkpolicies",
            #"{"metadata":{"name":"allow-all"},"spec":{"podSelector":{},"ingress":[{}]}}"#)
        #expect(api.send("GET", "/v1/decide?from=x/b&to=x/web&port=8080").json["allowed"] == .bool(true))
        let created = api.send(
            "POST", "/apis/policy.networking.k8s.io/v1alpha2/clusternetworkpolicies",
            #"{"apiVersion":"policy.networking.k8s.io/v1alpha2","kind":"ClusterNetworkPolicy","metadata":{"name":"no-b"},"spec":{"tier":"Admin","priority":5,"subject":{"pods":{"namespaceSelector":{},"podSelector":{"matchLabels":{"app":"web"}}}},"ingress":[{"name":"deny-b","action":"Deny","from":[{"pods":{"namespaceSelector":{},"podSelector":{"matchLabels":{"app":"b"}}}}]}]}}"#
        )
        #expect(created.status == 201, "\(created.text)")
        let ingress = api.send("GET", "/v1/decide?from=x/b&to=x/web&port=8080").json["ingress"]
        #expect(ingress?["allowed"] == .bool(false))
        #expect(ingress?["tier"] == .string("kube-admin"))
        #expect(ingress?["ruleName"] == .string("deny-b"))
        #expect(ingress?["policy"]?["kind"] == .string("ClusterNetworkPolicy"))
        #expect(
            api.send("GET", "/apis/policy.networking.k8s.io/v1alpha2/clusternetworkpolicies").json["items"]?.arrayValue?.count
                == 1)
        #expect(api.send("DELETE", "/apis/policy.networking.k8s.io/v1alpha2/clusternetworkpolicies/no-b").status == 200)
        #expect(api.send("GET", "/v1/decide?from=x/b&to=x/web&port=8080").json["allowed"] == .bool(true))
    }

    @Test func stagedTrueAnswersAsIfStagedPoliciesWereEnforced() throws {
        let api = try #require(Self.cluster())
        api.send(
            "POST", "/apis/projectcalico.org/v3/globalnetworkpolicies",
            #"{"metadata":{"name":"deny-b"},"spec":{"order":1,"selector":"app == 'web'","ingress":[{"action":"Deny","source":{"selector":"app == 'b'"}}]}}"#
        )
        let staged = api.send(
            "POST", "/apis/projectcalico.org/v3/stagedglobalnetworkpolicies",
            #"{"apiVersion":"projectcalico.org/v3","kind":"StagedGlobalNetworkPolicy","metadata":{"name":"deny-b"},"spec":{"stagedAction":"Delete"}}"#
        )
        #expect(staged.status == 201, "\(staged.text)")
        let plain = api.send("GET", "/v1/decide?from=x/b&to=x/web&port=8080").json
        #expect(plain["allowed"] == .bool(false))
        #expect(plain["staged"] == nil)
        let both = api.send("GET", "/v1/decide?from=x/b&to=x/web&port=8080&staged=true").json
        #expect(both["allowed"] == .bool(false))
        #expect(both["staged"]?["allowed"] == .bool(true))
        let batch = api.send(
            "POST", "/v1/decide/batch?staged=true",
            #"{"items":[{"source":{"namespace":"x","pod":"b"},"destination":{"namespace":"x","pod":"web"},"port":8080}]}"#)
        #expect(batch.json["results"]?[0]?["staged"]?["allowed"] == .bool(true))
        let bad = api.send("GET", "/v1/decide?from=x/b&to=x/web&port=8080&staged=yes")
        #expect(bad.status == 422)
        #expect(bad.json["details"]?["causes"]?.arrayValue?.first?["field"] == .string("staged"))
        // The connectivity matrix as if the staged policies were enforced.
        func lists(_ target: String) -> Bool {
            let items = api.send("GET", target).json["connections"]?.arrayValue ?? []
            return items.contains { $0["from"] == .string("x/b") && $0["to"] == .string("x/web") }
        }
        #expect(!lists("/v1/connectivity?groupBy=pod"))
        #expect(lists("/v1/connectivity?groupBy=pod&staged=true"))
        // What promoting the staged policies would change, as a connectivity diff with no bundle.
        let diff = api.send("POST", "/v1/connectivity/diff?staged=true", "", contentType: "application/yaml").json
        let changes = diff["changes"]?.arrayValue ?? []
        #expect(changes.contains { $0["from"] == .string("x/b") && $0["to"] == .string("x/web") })
        #expect(diff["summary"]?["pairsGained"] == .integer(Int64(changes.count)))
    }

    /// The first staged answer after a write applies the staged policies to the compiled set: it
    /// is answered off the event loop, where plain decisions stay.
    @Test func stagedQuestionsAreBackgroundWorkAndPlainOnesAreNot() {
        #expect(Router.lane(for: HTTPRequest(method: "GET", path: "/v1/decide", query: ["staged": "true"])) == .background)
        #expect(Router.lane(for: HTTPRequest(method: "POST", path: "/v1/decide", query: ["staged": "true"])) == .background)
        #expect(Router.lane(for: HTTPRequest(method: "GET", path: "/v1/decide")) == .inline)
        #expect(Router.lane(for: HTTPRequest(method: "POST", path: "/v1/decide/batch")) == .inline)
    }
}
