import PolicyCore
import Testing

@Suite struct DecisionRoutesTests {
    func cluster() throws -> APIHarness {
        let api = try APIHarness()
        api.send("POST", "/api/v1/namespaces", namespaceX)
        api.send("POST", "/api/v1/namespaces/x/pods", podJSON("a", ip: "10.0.0.1"))
        api.send("POST", "/api/v1/namespaces/x/pods", podJSON("b", ip: "10.0.0.2", labels: #"{"app":"db"}"#))
        api.send(
            "POST", "/apis/networking.k8s.io/v1/namespaces/x/networkpolicies",
            #"{"metadata":{"name":"db-access"},"spec":{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"web"}}}],"ports":[{"port":6379}]}]}}"#
        )
        return api
    }

    @Test func postDecideExplainsBothSides() throws {
        let api = try cluster()
        let answer = api.send(
            "POST", "/v1/decide", #"{"source":{"namespace":"x","pod":"a"},"destination":{"namespace":"x","pod":"b"},"port":6379}"#
        ).json
        #expect(answer["allowed"] == .bool(true))
        #expect(answer["revision"] == .integer(4))
        #expect(answer["egress"]?["reason"] == .string("NotIsolated"))
        #expect(answer["ingress"]?["reason"] == .string("AllowedByPolicy"))
        #expect(
            answer["ingress"]?["policy"]
                == .object([
                    "kind": .string("NetworkPolicy"), "apiVersion": .string("networking.k8s.io/v1"), "namespace": .string("x"),
                    "name": .string("db-access"),
                ]))
        #expect(answer["ingress"]?["action"] == .string("Allow"))
        #expect(answer["ingress"]?["rule"] == .integer(0))
    }

    @Test func omittingThePortReportsAllowedRanges() throws {
        let api = try cluster()
        let answer = api.send("GET", "/v1/decide?from=x/a&to=x/b").json
        #expect(answer["allowed"] == .bool(false))
        #expect(answer["ports"] == .array([.array([.integer(6379), .integer(6379)])]))
        let open = api.send("GET", "/v1/decide?from=x/b&to=x/a").json
        #expect(open["ports"] == .array([.array([.integer(1), .integer(65535)])]))
    }

    @Test func addressesOfPodsArePodsAndOthersHaveNoSide() throws {
        let api = try cluster()
        let external = api.send("GET", "/v1/decide?from=8.8.8.8&to=10.0.0.2&port=6379").json
        #expect(external["allowed"] == .bool(false))
        #expect(external["egress"] == nil)
        #expect(external["ingress"]?["reason"] == .string("NoRuleMatched"))
        let fromPodAddress = api.send("GET", "/v1/decide?from=10.0.0.1&to=10.0.0.2&port=6379").json
        #expect(fromPodAddress["allowed"] == .bool(true))
    }

    @Test func hypotheticalWorkloadsAreAnswered() throws {
        let api = try cluster()
        let answer = api.send(
            "POST", "/v1/decide",
            #"{"source":{"namespace":"x","labels":{"app":"web"}},"destination":{"namespace":"x","pod":"b"},"port":6379}"#
        ).json
        #expect(answer["allowed"] == .bool(true))
    }

    @Test func aBatchIsAnsweredInOrderOnOneRevision() throws {
        let api = try cluster()
        let body =
            #"{"items":[{"source":{"namespace":"x","pod":"a"},"destination":{"namespace":"x","pod":"b"},"port":6379},{"source":{"ip":"8.8.8.8"},"destination":{"namespace":"x","pod":"b"},"port":6379,"protocol":"TCP"}]}"#
        let answer = api.send("POST", "/v1/decide/batch", body).json
        #expect(answer["revision"] == .integer(4))
        #expect(answer["results"]?.arrayValue?.map { $0["allowed"] } == [.bool(true), .bool(false)])
    }

    @Test func aDecisionSeesTheWriteThatReturnedBeforeIt() throws {
        let api = try cluster()
        #expect(api.send("GET", "/v1/decide?from=x/b&to=x/a&port=80").json["allowed"] == .bool(true))
        api.send("POST", "/apis/networking.k8s.io/v1/namespaces/x/networkpolicies", denyAllIngress)
        let after = api.send("GET", "/v1/decide?from=x/b&to=x/a&port=80").json
        #expect(after["allowed"] == .bool(false))
        #expect(after["revision"] == .integer(5))
        api.send("PUT", "/api/v1/namespaces/x/pods/a", podJSON("a", ip: "10.0.0.9"))
        #expect(api.send("GET", "/v1/decide?from=x/b&to=10.0.0.9&port=80").json["ingress"] != nil)
    }

    @Test(arguments: [
        (#"{"source":{"namespace":"x","pod":"zz"},"destination":{"ip":"1.1.1.1"},"port":80}"#, 404),
        (#"{"source":{"namespace":"x","pod":"a"},"destination":{"ip":"1.1.1.300"},"port":80}"#, 422),
        (#"{"source":{"namespace":"x","pod":"a"},"destination":{"ip":"1.1.1.1"},"port":70000}"#, 422),
        (#"{"source":{"namespace":"x","pod":"a"},"destination":{"ip":"1.1.1.1"},"protocol":"ICMP"}"#, 422),
        (#"{"source":{"namespace":"x","pod":"a"},"destination":{"ip":"1.1.1.1"},"prot":"TCP"}"#, 422),
        (#"{"source":{"namespace":"x","pod":"a"}}"#, 422),
        (#"{"source":{"namespace":"nope","labels":{}},"destination":{"ip":"1.1.1.1"}}"#, 404),
        (#"[1]"#, 422),
        (#"{"source""#, 400),
    ])
    func badQuestionsGetA4xxStatus(body: String, code: Int) throws {
        let api = try cluster()
        let response = api.send("POST", "/v1/decide", body)
        #expect(response.status == code, "\(response.text)")
        #expect(response.json["kind"] == .string("Status"))
    }
}
