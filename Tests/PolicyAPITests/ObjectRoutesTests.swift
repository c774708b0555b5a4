import PolicyCore
import Testing

@Suite struct ObjectRoutesTests {
    @Test func createGetReplaceDeleteANamespace() throws {
        let api = try APIHarness()
        let created = api.send("POST", "/api/v1/namespaces", namespaceX)
        #expect(created.status == 201)
        #expect(created.json["metadata"]?["labels"]?["kubernetes.io/metadata.name"] == .string("x"))
        #expect(created.json["metadata"]?["resourceVersion"] == .string("1"))
        let uid = try #require(created.json["metadata"]?["uid"]?.stringValue)
        #expect(api.send("GET", "/api/v1/namespaces/x").json["metadata"]?["uid"] == .string(uid))

        let replaced = api.send("PUT", "/api/v1/namespaces/x", #"{"metadata":{"name":"x","labels":{"team":"b"}}}"#)
        #expect(replaced.status == 200)
        #expect(replaced.json["metadata"]?["uid"] == .string(uid))
        #expect(replaced.json["metadata"]?["resourceVersion"] == .string("2"))
        #expect(replaced.json["metadata"]?["creationTimestamp"] == created.json["metadata"]?["creationTimestamp"])

        #expect(api.send("DELETE", "/api/v1/namespaces/x").status == 200)
        let gone = api.send("GET", "/api/v1/namespaces/x")
        #expect(gone.status == 404)
        #expect(gone.json["reason"] == .string("NotFound"))
        #expect(gone.json["kind"] == .string("Status"))
    }

    @Test func creatingTwiceIsAlreadyExists() throws {
        let api = try APIHarness()
        api.send("POST", "/api/v1/namespaces", namespaceX)
        let again = api.send("POST", "/api/v1/namespaces", namespaceX)
        #expect(again.status == 409)
        #expect(again.json["reason"] == .string("AlreadyExists"))
    }

    @Test func objectsNeedTheirNamespaceToExist() throws {
        let api = try APIHarness()
        let response = api.send("POST", "/apis/networking.k8s.io/v1/namespaces/x/networkpolicies", denyAllIngress)
        #expect(response.status == 404)
        #expect(response.json["message"] == .string("namespaces \"x\" not found"))
    }

    @Test func aStaleResourceVersionIsConflict() throws {
        let api = try APIHarness()
        api.send("POST", "/api/v1/namespaces", namespaceX)
        api.send("PUT", "/api/v1/namespaces/x", #"{"metadata":{"name":"x","labels":{"v":"2"}}}"#)
        let stale = api.send(
            "PUT", "/api/v1/namespaces/x", #"{"metadata":{"name":"x","resourceVersion":"1","labels":{"v":"3"}}}"#)
        #expect(stale.status == 409)
        #expect(stale.json["reason"] == .string("Conflict"))
        let fresh = api.send(
            "PUT", "/api/v1/namespaces/x", #"{"metadata":{"name":"x","resourceVersion":"2","labels":{"v":"3"}}}"#)
        #expect(fresh.status == 200)
    }

    @Test func thePathWinsAndAMismatchedBodyIsBadRequest() throws {
        let api = try APIHarness()
        api.send("POST", "/api/v1/namespaces", namespaceX)
        let wrongNamespace = api.send("POST", "/api/v1/namespaces/x/pods", podJSON("a", namespace: "y", ip: "10.0.0.1"))
        #expect(wrongNamespace.status == 400)
        let wrongName = api.send("PUT", "/api/v1/namespaces/x/pods/b", podJSON("a", ip: "10.0.0.1"))
        #expect(wrongName.status == 400)
    }

    @Test func invalidPoliciesAreA422StatusWithCauses() throws {
        let api = try APIHarness()
        api.send("POST", "/api/v1/namespaces", namespaceX)
        let response = api.send(
            "POST", "/apis/networking.k8s.io/v1/namespaces/x/networkpolicies",
            #"{"metadata":{"name":"p"},"spec":{"podSelector":{},"ingress":[{"ports":[{"port":90,"endPort":80}]}]}}"#)
        #expect(response.status == 422)
        #expect(response.json["reason"] == .string("Invalid"))
        #expect(response.json["details"]?["causes"]?.arrayValue?.first?["field"] == .string("spec.ingress[0].ports[0].endPort"))
    }

    @Test func podsAreStoredWholeAndAcceptYAML() throws {
        let api = try APIHarness()
        api.send("POST", "/api/v1/namespaces", namespaceX)
        let yaml = """
            apiVersion: v1
            kind: Pod
            metadata: {name: a, labels: {app: web}}
            spec:
              nodeName: worker-1
              containers: [{name: c, image: "nginx:1.25", ports: [{containerPort: 80}]}]
            """
        #expect(api.send("POST", "/api/v1/namespaces/x/pods", yaml, contentType: "application/yaml").status == 201)
        let pod = api.send("GET", "/api/v1/namespaces/x/pods/a").json
        #expect(pod["spec"]?["nodeName"] == .string("worker-1"))
        #expect(pod["spec"]?["containers"]?.arrayValue?[0]["image"] == .string("nginx:1.25"))
    }

    @Test func listsFilterByLabelSelectorAndPage() throws {
        let api = try APIHarness()
        api.send("POST", "/api/v1/namespaces", namespaceX)
        for (index, app) in ["web", "db", "web", "cache", "web"].enumerated() {
            api.send(
                "POST", "/api/v1/namespaces/x/pods",
                podJSON("p\(index)", ip: "10.0.0.\(index + 1)", labels: #"{"app":"\#(app)"}"#))
        }
        let web = api.send("GET", "/api/v1/namespaces/x/pods?labelSelector=app%3Dweb").json
        #expect(web["kind"] == .string("PodList"))
        #expect(web["items"]?.arrayValue?.compactMap { $0["metadata"]?["name"]?.stringValue } == ["p0", "p2", "p4"])
        let notWeb = api.send("GET", "/api/v1/pods?labelSelector=app+notin+(web,db)").json
        #expect(notWeb["items"]?.arrayValue?.compactMap { $0["metadata"]?["name"]?.stringValue } == ["p3"])

        var names: [String] = []
        var token = ""
        for _ in 0..<5 {
            let page = api.send("GET", "/api/v1/namespaces/x/pods?limit=2&continue=\(token)").json
            names += page["items"]?.arrayValue?.compactMap { $0["metadata"]?["name"]?.stringValue } ?? []
            guard let next = page["metadata"]?["continue"]?.stringValue else { break }
            token = next
        }
        #expect(names == ["p0", "p1", "p2", "p3", "p4"])
        #expect(api.send("GET", "/api/v1/pods?labelSelector=app%20in%20web").status == 400)
    }

    @Test func deletingANamespaceDeletesWhatIsInIt() throws {
        let api = try APIHarness()
        api.send("POST", "/api/v1/namespaces", namespaceX)
        api.send("POST", "/api/v1/namespaces/x/pods", podJSON("a", ip: "10.0.0.1"))
        api.send("POST", "/api/v1/namespaces/x/pods", podJSON("b", ip: "10.0.0.2"))
        api.send("POST", "/apis/networking.k8s.io/v1/namespaces/x/networkpolicies", denyAllIngress)
        let deleted = api.send("DELETE", "/api/v1/namespaces/x")
        #expect(deleted.status == 200)
        // What went is counted per resource, in a success Status as Kubernetes answers immediate deletes.
        #expect(deleted.json["kind"] == .string("Status"))
        #expect(deleted.json["status"] == .string("Success"))
        #expect(deleted.json["details"]?["name"] == .string("x"))
        #expect(deleted.json["details"]?["kind"] == .string("namespaces"))
        let counts = (deleted.json["details"]?["causes"]?.arrayValue ?? []).map {
            "\($0["field"]?.stringValue ?? ""): \($0["message"]?.stringValue ?? "")"
        }
        #expect(counts == ["namespaces: 1 deleted", "pods: 2 deleted", "networkpolicies.networking.k8s.io: 1 deleted"])
        #expect(deleted.json["message"] == .string("namespace \"x\" deleted with 2 pods, 1 networkpolicies.networking.k8s.io"))
        #expect(deleted.json["metadata"]?["resourceVersion"] == .string("5"))
        #expect(api.send("GET", "/api/v1/pods").json["items"] == .array([]))
        #expect(api.send("GET", "/apis/networking.k8s.io/v1/networkpolicies").json["items"] == .array([]))
        #expect(api.send("GET", "/v1/decide?from=x/a&to=8.8.8.8&port=80").status == 404)
    }

    @Test func deletingAnEmptyNamespaceSaysSo() throws {
        let api = try APIHarness()
        api.send("POST", "/api/v1/namespaces", namespaceX)
        let deleted = api.send("DELETE", "/api/v1/namespaces/x")
        #expect(deleted.json["message"] == .string("namespace \"x\" deleted (it was empty)"))
        #expect(deleted.json["details"]?["causes"]?.arrayValue?.count == 1)
        #expect(api.send("DELETE", "/api/v1/namespaces/x").status == 404)
    }

    @Test func deletingAPodAnswersWithThePod() throws {
        let api = try APIHarness()
        api.send("POST", "/api/v1/namespaces", namespaceX)
        api.send("POST", "/api/v1/namespaces/x/pods", podJSON("a", ip: "10.0.0.1"))
        let deleted = api.send("DELETE", "/api/v1/namespaces/x/pods/a")
        #expect(deleted.status == 200)
        #expect(deleted.json["kind"] == .string("Pod"))
        #expect(deleted.json["metadata"]?["name"] == .string("a"))
    }

    @Test func unknownRoutesAndMethodsAreStatuses() throws {
        let api = try APIHarness()
        #expect(api.send("GET", "/nope").status == 404)
        #expect(api.send("PATCH", "/api/v1/namespaces").status == 405)
        #expect(api.send("TRACE", "/api/v1/namespaces/x").status == 405)
        #expect(api.send("POST", "/api/v1/namespaces", "{", contentType: "application/json").status == 400)
        #expect(api.send("POST", "/api/v1/namespaces", "x", contentType: "text/csv").status == 415)
    }

    @Test func operationsEndpointsAnswer() throws {
        let api = try APIHarness()
        #expect(api.send("GET", "/healthz").status == 200)
        #expect(api.send("GET", "/readyz").json["status"] == .string("ready"))
        let version = api.send("GET", "/version").json
        #expect(version["name"] == .string("netpold"))
        #expect(version["schemaVersion"] == .string("0002_index_resource_version"))
    }
}
