import PolicyCore
import Testing

/// A pod owned by `owner` (`Kind/name`), with one named container port.
func ownedPodJSON(
    _ name: String, ip: String, labels: String, owner: String, portName: String = "http", port: Int = 8080
) -> String {
    let parts = owner.split(separator: "/")
    return
        #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"\#(name)","labels":\#(labels),"ownerReferences":[{"apiVersion":"apps/v1","kind":"\#(parts[0])","name":"\#(parts[1])","uid":"u","controller":true}]},"spec":{"containers":[{"name":"c","ports":[{"name":"\#(portName)","containerPort":\#(port)}]}]},"status":{"podIP":"\#(ip)"}}"#
}

@Suite struct WorkloadDecisionTests {
    /// shop-like: `web` (a Deployment through a stored ReplicaSet, two pods), `db` (a StatefulSet
    /// whose two pods name their port differently), `worker` (a Deployment without pods), and a
    /// policy letting app=web reach app=db on the port named pg and on 9187.
    func cluster() throws -> APIHarness {
        let api = try APIHarness()
        api.send("POST", "/api/v1/namespaces", namespaceX)
        api.send(
            "POST", "/apis/apps/v1/namespaces/x/deployments",
            deploymentJSON("web", labels: #"{"app":"web"}"#, selector: #"{"app":"web"}"#))
        api.send(
            "POST", "/apis/apps/v1/namespaces/x/deployments",
            deploymentJSON("worker", labels: #"{"app":"worker"}"#, selector: #"{"app":"worker"}"#))
        let replicaSet =
            #"{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"web-5d9f","ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":"web","uid":"u"}]},"spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c"}]}}}}"#
        #expect(api.send("POST", "/apis/apps/v1/namespaces/x/replicasets", replicaSet).status == 201)
        for (name, ip) in [("web-5d9f-a", "10.0.0.1"), ("web-5d9f-b", "10.0.0.2")] {
            api.send(
                "POST", "/api/v1/namespaces/x/pods",
                ownedPodJSON(name, ip: ip, labels: #"{"app":"web"}"#, owner: "ReplicaSet/web-5d9f"))
        }
        let statefulSet =
            #"{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db"},"spec":{"selector":{"matchLabels":{"app":"db"}},"template":{"metadata":{"labels":{"app":"db"}},"spec":{"containers":[{"name":"c","ports":[{"name":"pg","containerPort":5432}]}]}}}}"#
        #expect(api.send("POST", "/apis/apps/v1/namespaces/x/statefulsets", statefulSet).status == 201)
        // db-1 runs an older template whose port has another number, db-2 one without the name.
        api.send(
            "POST", "/api/v1/namespaces/x/pods",
            ownedPodJSON("db-0", ip: "10.0.1.0", labels: #"{"app":"db"}"#, owner: "StatefulSet/db", portName: "pg", port: 5432))
        api.send(
            "POST", "/api/v1/namespaces/x/pods",
            ownedPodJSON("db-1", ip: "10.0.1.1", labels: #"{"app":"db"}"#, owner: "StatefulSet/db", portName: "pg", port: 6432))
        api.send(
            "POST", "/api/v1/namespaces/x/pods",
            ownedPodJSON(
                "db-2", ip: "10.0.1.2", labels: #"{"app":"db"}"#, owner: "StatefulSet/db", portName: "metrics", port: 9187))
        let service =
            #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"db"},"spec":{"selector":{"app":"db"},"ports":[{"name":"pg","port":5432,"targetPort":"pg"},{"name":"metrics","port":9000,"targetPort":9187}]}}"#
        #expect(api.send("POST", "/api/v1/namespaces/x/services", service).status == 201)
        let policy =
            #"{"metadata":{"name":"db"},"spec":{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"web"}}}],"ports":[{"port":"pg"},{"port":9187}]}]}}"#
        #expect(api.send("POST", "/apis/networking.k8s.io/v1/namespaces/x/networkpolicies", policy).status == 201)
        return api
    }

    func backends(_ answer: JSONValue) -> [String] {
        (answer["backends"]?.arrayValue ?? []).map {
            "\($0["from"]?.stringValue.map { "\($0) -> " } ?? "")\($0["pod"]?.stringValue ?? $0["workload"]?.stringValue ?? "?")"
                + " \($0["port"]?.integerValue.map(String.init) ?? "-") \($0["allowed"]?.boolValue == true)"
        }
    }

    @Test func aDeploymentIsThePodsItsReplicaSetsRun() throws {
        let api = try cluster()
        let answer = api.send(
            "POST", "/v1/decide",
            #"{"source":{"namespace":"x","workload":"Deployment/web"},"destination":{"namespace":"x","pod":"db-0"},"port":5432}"#
        )
        #expect(answer.status == 200, "\(answer.text)")
        #expect(answer.json["allowed"] == .bool(true))
        #expect(backends(answer.json) == ["x/web-5d9f-a 5432 true", "x/web-5d9f-b 5432 true"])
        #expect(answer.json["backends"]?[0]?["ingress"]?["reason"] == .string("AllowedByPolicy"))
        // The same by GET, in both spellings.
        for from in ["x/Deployment/web", "x/web[Deployment]", "x/deploy/web"] {
            let shorthand = api.send("GET", "/v1/decide?from=\(from)&to=x/db-0&port=5432")
            #expect(backends(shorthand.json) == ["x/web-5d9f-a 5432 true", "x/web-5d9f-b 5432 true"], "\(from)")
        }
    }

    @Test func aReplicaSetThatIsNotStoredStillCountsForItsDeployment() throws {
        let api = try APIHarness()
        api.send("POST", "/api/v1/namespaces", namespaceX)
        api.send("POST", "/apis/apps/v1/namespaces/x/deployments", deploymentJSON("api"))
        api.send(
            "POST", "/api/v1/namespaces/x/pods",
            ownedPodJSON(
                "api-7c6d8-q", ip: "10.0.0.9", labels: #"{"app":"api","pod-template-hash":"7c6d8"}"#,
                owner: "ReplicaSet/api-7c6d8"))
        let answer = api.send("GET", "/v1/decide?from=x/Deployment/api&to=8.8.8.8&port=53")
        #expect(backends(answer.json) == ["x/api-7c6d8-q 53 true"], "\(answer.text)")
    }

    @Test func aWorkloadWithoutPodsIsItsPodTemplate() throws {
        let api = try cluster()
        let answer = api.send("GET", "/v1/decide?from=x/Deployment/worker&to=x/db-0&port=5432")
        #expect(answer.json["allowed"] == .bool(false))
        #expect(backends(answer.json) == ["x/worker[Deployment] 5432 false"])
        #expect(answer.json["backends"]?[0]?["ingress"]?["reason"] == .string("NoRuleMatched"))
        #expect(answer.json["backends"]?[0]?["egress"]?["reason"] == .string("NotIsolated"))
        // As a destination, its template's named ports count.
        let reverse = api.send("GET", "/v1/decide?from=x/web-5d9f-a&to=x/worker[Deployment]")
        #expect(reverse.json["ports"] == .array([.array([.integer(1), .integer(65535)])]), "\(reverse.text)")
    }

    @Test func anUnknownWorkloadIs404NamingIt() throws {
        let api = try cluster()
        let answer = api.send("GET", "/v1/decide?from=x/Deployment/nope&to=x/db-0&port=5432")
        #expect(answer.status == 404)
        #expect(answer.json["message"] == .string("source: deployments.apps \"nope\" not found in namespace \"x\""))
        let service = api.send("GET", "/v1/decide?from=x/db-0&to=x/Service/nope&port=5432")
        #expect(service.status == 404)
        #expect(service.json["message"]?.stringValue?.contains("services \"nope\" not found") == true)
        let kind = api.send(
            "POST", "/v1/decide", #"{"source":{"namespace":"x","workload":"Gadget/web"},"destination":{"ip":"8.8.8.8"}}"#)
        #expect(kind.status == 422)
    }

    @Test func aServicePortIsMappedToEachBackendsTargetPort() throws {
        let api = try cluster()
        // Named: db-0 declares pg as 5432, db-1 as 6432, db-2 not at all.
        let named = api.send("GET", "/v1/decide?from=x/web-5d9f-a&to=x/Service/db&port=5432")
        #expect(named.status == 200, "\(named.text)")
        #expect(named.json["allowed"] == .bool(false))
        #expect(backends(named.json) == ["x/db-0 5432 true", "x/db-1 6432 true", "x/db-2 - false"])
        #expect(named.json["backends"]?[2]?["message"]?.stringValue?.contains("targetPort \"pg\" is not a TCP port") == true)
        #expect(named.json["backends"]?[1]?["servicePort"] == .integer(5432))
        // Numbered: 9000 goes to 9187 on every backend.
        let numbered = api.send(
            "POST", "/v1/decide",
            #"{"source":{"namespace":"x","workload":"Deployment/web"},"destination":{"namespace":"x","service":"db"},"port":9000}"#
        )
        #expect(numbered.json["allowed"] == .bool(true), "\(numbered.text)")
        #expect(
            backends(numbered.json) == [
                "x/web-5d9f-a -> x/db-0 9187 true", "x/web-5d9f-b -> x/db-0 9187 true", "x/web-5d9f-a -> x/db-1 9187 true",
                "x/web-5d9f-b -> x/db-1 9187 true", "x/web-5d9f-a -> x/db-2 9187 true", "x/web-5d9f-b -> x/db-2 9187 true",
            ])
        // A port the Service does not have.
        let missing = api.send("GET", "/v1/decide?from=x/web-5d9f-a&to=x/Service/db&port=80")
        #expect(missing.status == 422)
        #expect(missing.json["message"]?.stringValue?.contains("has no port 80/TCP (its ports: 5432/TCP, 9000/TCP)") == true)
        // Without a port: the Service ports allowed to every backend.
        let every = api.send("GET", "/v1/decide?from=x/web-5d9f-a&to=x/Service/db")
        #expect(every.json["ports"] == .array([.array([.integer(9000), .integer(9000)])]), "\(every.text)")
    }

    @Test func aServiceWithoutASelectorOrSelectingNothingIs422() throws {
        let api = try cluster()
        api.send(
            "POST", "/api/v1/namespaces/x/services",
            #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"external"},"spec":{"ports":[{"port":443}]}}"#)
        api.send(
            "POST", "/api/v1/namespaces/x/services",
            #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"ghost"},"spec":{"selector":{"app":"ghost"},"ports":[{"port":80}]}}"#
        )
        let external = api.send("GET", "/v1/decide?from=x/web-5d9f-a&to=x/Service/external&port=443")
        #expect(external.status == 422)
        #expect(
            external.json["message"]?.stringValue?.contains("services \"external\" in namespace \"x\" has no selector") == true)
        let ghost = api.send("GET", "/v1/decide?from=x/web-5d9f-a&to=x/Service/ghost&port=80")
        #expect(ghost.status == 422)
        #expect(ghost.json["message"]?.stringValue?.contains("selects nothing") == true, "\(ghost.text)")
        // A Service is a destination only.
        #expect(api.send("GET", "/v1/decide?from=x/Service/db&to=x/web-5d9f-a&port=80").status == 422)
    }

    @Test func aServiceSelectingAWorkloadWithoutPodsUsesItsTemplate() throws {
        let api = try cluster()
        api.send(
            "POST", "/api/v1/namespaces/x/services",
            #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"worker"},"spec":{"selector":{"app":"worker"},"ports":[{"port":80,"targetPort":"http"}]}}"#
        )
        let answer = api.send("GET", "/v1/decide?from=x/web-5d9f-a&to=x/Service/worker&port=80")
        #expect(backends(answer.json) == ["x/worker[Deployment] 8080 true"], "\(answer.text)")
    }
}
