import PolicyCore
import Testing

@Suite struct CalicoRoutesTests {
    @Test func globalAndNamespacedCalicoPoliciesHaveCRUD() throws {
        let api = try APIHarness()
        api.send("POST", "/api/v1/namespaces", namespaceX)
        let global = api.send(
            "POST", "/apis/projectcalico.org/v3/globalnetworkpolicies",
            #"{"apiVersion":"projectcalico.org/v3","kind":"GlobalNetworkPolicy","metadata":{"name":"g"},"spec":{"order":10,"selector":"all()","egress":[{"action":"Deny"}]}}"#
        )
        #expect(global.status == 201, "\(global.text)")
        #expect(global.json["spec"]?["types"] == .array([.string("Egress")]))
        let namespaced = api.send(
            "POST", "/apis/projectcalico.org/v3/namespaces/x/networkpolicies",
            #"{"metadata":{"name":"same"},"spec":{"ingress":[{"action":"Allow"}]}}"#)
        #expect(namespaced.status == 201, "\(namespaced.text)")
        #expect(namespaced.json["apiVersion"] == .string("projectcalico.org/v3"))
        // A Kubernetes and a Calico NetworkPolicy may share a namespace and a name.
        let kubernetes = api.send(
            "POST", "/apis/networking.k8s.io/v1/namespaces/x/networkpolicies",
            #"{"metadata":{"name":"same"},"spec":{"podSelector":{}}}"#)
        #expect(kubernetes.status == 201)
        #expect(api.send("GET", "/apis/projectcalico.org/v3/globalnetworkpolicies").json["items"]?.arrayValue?.count == 1)
        #expect(api.send("GET", "/apis/projectcalico.org/v3/namespaces/x/networkpolicies/same").status == 200)
        #expect(api.send("DELETE", "/apis/projectcalico.org/v3/namespaces/x/networkpolicies/same").status == 200)
        #expect(api.send("GET", "/apis/networking.k8s.io/v1/namespaces/x/networkpolicies/same").status == 200)
        #expect(api.send("DELETE", "/apis/projectcalico.org/v3/globalnetworkpolicies/g").status == 200)
    }

    @Test func aBadSelectorIsA422NamingFieldAndPosition() throws {
        let api = try APIHarness()
        let response = api.send(
            "POST", "/apis/projectcalico.org/v3/globalnetworkpolicies",
            #"{"metadata":{"name":"g"},"spec":{"selector":"app == web"}}"#)
        #expect(response.status == 422)
        #expect(response.json["details"]?["causes"]?.arrayValue?.first?["field"] == .string("spec.selector"))
        #expect(response.json["message"]?.stringValue?.contains("position 7") == true)
    }

    @Test func aTierThatCannotBeATierNameIsRefusedNamingSpecTier() throws {
        let api = try APIHarness()
        let response = api.send(
            "POST", "/apis/projectcalico.org/v3/globalnetworkpolicies", #"{"metadata":{"name":"g"},"spec":{"tier":"Security"}}"#)
        #expect(response.status == 422)
        #expect(response.json["details"]?["causes"]?.arrayValue?.first?["field"] == .string("spec.tier"))
    }

    @Test func theGuidesCalicoPoliciesImportAndNameWhatTheyBecame() throws {
        let api = try APIHarness()
        let bundle = try example("legacy-allow-trusted.yaml") + "\n---\n" + (try example("legacy-deny-egress.yaml"))
        let response = api.importYAML(bundle)
        #expect(response.status == 200, "\(response.text)")
        let results = response.json["results"]?.arrayValue ?? []
        #expect(results.map { $0["kind"] } == [.string("GlobalNetworkPolicy"), .string("GlobalNetworkPolicy")])
        #expect(results.allSatisfy { $0["convertedFrom"] == .string("policy (v1)") })
        let stored = api.send("GET", "/apis/projectcalico.org/v3/globalnetworkpolicies/legacy-allow-trusted").json
        #expect(
            stored["spec"]?["egress"]?.arrayValue?[0]["source"]?["selector"]
                == .string("projectcalico.org/namespace == 'trusted'"))

        api.importYAML(
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: trusted}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: default}\n"
        )
        api.send("POST", "/api/v1/namespaces/trusted/pods", podJSON("app", namespace: "trusted", ip: "10.0.0.1"))
        api.send("POST", "/api/v1/namespaces/default/pods", podJSON("app", namespace: "default", ip: "10.0.0.2"))
        let trusted = api.send("GET", "/v1/decide?from=trusted/app&to=192.0.2.10&port=5432").json
        #expect(trusted["allowed"] == .bool(true))
        #expect(trusted["egress"]?["policy"]?["kind"] == .string("GlobalNetworkPolicy"))
        #expect(
            trusted["egress"]?["policies"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == [
                "legacy-allow-trusted", "legacy-deny-egress",
            ])
        #expect(api.send("GET", "/v1/decide?from=default/app&to=192.0.2.10&port=5432").json["allowed"] == .bool(false))
        #expect(api.send("GET", "/v1/decide?from=default/app&to=1.1.1.1&port=443").json["allowed"] == .bool(false))

        // An export re-imports unchanged, Calico objects included.
        let export = api.send("GET", "/v1/export")
        let again = api.send("POST", "/v1/import?mode=replace", export.text, contentType: "application/yaml")
        #expect((again.json["results"]?.arrayValue ?? []).allSatisfy { $0["action"] == .string("unchanged") }, "\(again.text)")
    }

    @Test func selectorsCanBeTriedOnLabelsOrOnStoredPods() throws {
        let api = try APIHarness()
        let tried = api.send(
            "POST", "/v1/selectors/evaluate",
            #"{"selector":"has(app) && tier in {'db', 'cache', 'db'}","labels":{"app":"pg","tier":"db"}}"#
        ).json
        #expect(tried["valid"] == .bool(true))
        #expect(tried["matches"] == .bool(true))
        #expect(tried["canonical"] == .string(#"(has(app) && tier in {"cache", "db"})"#))
        api.send("POST", "/api/v1/namespaces", namespaceX)
        api.send("POST", "/api/v1/namespaces/x/pods", podJSON("a", ip: "10.0.0.1"))
        api.send("POST", "/api/v1/namespaces/x/pods", podJSON("b", ip: "10.0.0.2", labels: #"{"app":"db"}"#))
        let pods = api.send("POST", "/v1/selectors/evaluate", #"{"selector":"app == 'web' || pcns.team == 'nobody'"}"#).json
        #expect(pods["pods"] == .array([.string("x/a")]))
        let bad = api.send("POST", "/v1/selectors/evaluate", #"{"selector":"app ==","labels":{}}"#)
        #expect(bad.status == 422)
        #expect(bad.json["message"]?.stringValue?.contains("position") == true)
    }
}
