import MicroHTTP
import PolicyAPI
import PolicyCore
import Testing

extension APIHarness {
    /// As `send`, with the response's `Warning` headers.
    func sendForWarnings(_ method: String, _ target: String, _ body: String = "", contentType: String? = nil)
        -> (status: Int, json: JSONValue, warnings: [String])
    {
        let (path, query) = Self.split(target)
        let response = router.handle(
            HTTPRequest(
                method: method, path: path, query: query, headers: contentType.map { ["Content-Type": $0] } ?? [:],
                body: Array(body.utf8)))
        return (
            response.status, (try? JSONParser.parse(response.body)) ?? .null,
            response.headers.filter { $0.name == "Warning" }.map(\.value)
        )
    }

    @discardableResult
    func patch(_ target: String, _ body: String, _ type: String) -> (status: Int, json: JSONValue, text: String) {
        send("PATCH", target, body, contentType: type)
    }

    /// The store's revision.
    var storeRevision: JSONValue? { send("GET", "/readyz").json["revision"] }
}

let mergePatch = "application/merge-patch+json"
let jsonPatch = "application/json-patch+json"
let strategicPatch = "application/strategic-merge-patch+json"
let applyPatch = "application/apply-patch+yaml"

/// x/a, a pod with one container `c` (port http 8080), and the policy x/db-access.
private func cluster() throws -> APIHarness {
    let api = try APIHarness()
    api.send("POST", "/api/v1/namespaces", namespaceX)
    api.send("POST", "/api/v1/namespaces/x/pods", podJSON("a", ip: "10.0.0.1", labels: #"{"app":"web","tier":"front"}"#))
    api.send(
        "POST", "/apis/networking.k8s.io/v1/namespaces/x/networkpolicies",
        #"{"metadata":{"name":"db-access"},"spec":{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"web"}}}],"ports":[{"port":6379}]}]}}"#
    )
    return api
}

let podA = "/api/v1/namespaces/x/pods/a"
let policyPath = "/apis/networking.k8s.io/v1/namespaces/x/networkpolicies/db-access"
let globalPolicyJSON =
    #"{"apiVersion":"projectcalico.org/v3","kind":"GlobalNetworkPolicy","metadata":{"name":"g"},"spec":{"order":10,"selector":"all()","egress":[{"action":"Deny"}]}}"#

@Suite struct MergePatchTests {
    @Test func aMergePatchRelabelsAPodAndDecisionsSeeIt() throws {
        let api = try cluster()
        let before = api.send("GET", podA).json
        let patched = api.patch(podA, #"{"metadata":{"labels":{"app":"db","tier":null}}}"#, mergePatch)
        #expect(patched.status == 200, "\(patched.text)")
        #expect(patched.json["metadata"]?["labels"] == .object(["app": "db"]))
        #expect(patched.json["metadata"]?["uid"] == before["metadata"]?["uid"])
        #expect(patched.json["metadata"]?["resourceVersion"] != before["metadata"]?["resourceVersion"])
        // What the patch did not name is kept.
        #expect(patched.json["spec"] == before["spec"])
        #expect(api.send("GET", podA).json["metadata"]?["labels"] == .object(["app": "db"]))
        let decision = api.send("GET", "/v1/decide?from=10.9.9.9&to=x/a&port=6379").json
        #expect(decision["ingress"]?["reason"] == .string("NoRuleMatched"), "\(decision)")
    }

    @Test func aMergePatchReplacesANetworkPolicysListsWhole() throws {
        let api = try cluster()
        let patched = api.patch(policyPath, #"{"spec":{"ingress":[{"ports":[{"port":80}]}]}}"#, mergePatch)
        #expect(patched.status == 200, "\(patched.text)")
        #expect(
            patched.json["spec"]?["ingress"]
                == .array([.object(["ports": .array([.object(["port": .integer(80), "protocol": "TCP"])])])]))
        #expect(patched.json["spec"]?["podSelector"]?["matchLabels"] == .object(["app": "db"]))
    }

    @Test func aCalicoGlobalNetworkPolicyTakesMergePatchesButNotStrategicOnes() throws {
        let api = try APIHarness()
        #expect(api.send("POST", "/apis/projectcalico.org/v3/globalnetworkpolicies", globalPolicyJSON).status == 201)
        let path = "/apis/projectcalico.org/v3/globalnetworkpolicies/g"
        let patched = api.patch(path, #"{"spec":{"order":20,"egress":[{"action":"Allow"}]}}"#, mergePatch)
        #expect(patched.status == 200, "\(patched.text)")
        #expect(patched.json["spec"]?["order"]?.integerValue == 20)
        #expect(api.send("GET", path).json["spec"]?["egress"]?.arrayValue?.first?["action"] == .string("Allow"))
        // As for custom resources upstream: no Go types, so no strategic merge.
        let strategic = api.patch(path, #"{"spec":{"order":30}}"#, strategicPatch)
        #expect(strategic.status == 415)
        #expect(strategic.json["reason"] == .string("UnsupportedMediaType"))
        #expect(
            strategic.json["message"]
                == .string(
                    "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
                ))
        let json = api.patch(path, #"[{"op":"replace","path":"/spec/order","value":40}]"#, jsonPatch)
        #expect(json.status == 200, "\(json.text)")
        #expect(json.json["spec"]?["order"]?.integerValue == 40)
    }

    @Test func aPatchOfAMissingObjectIsNotFoundAndOtherTypesAreUnsupported() throws {
        let api = try cluster()
        let missing = api.patch("/api/v1/namespaces/x/pods/nope", #"{"metadata":{"labels":{"a":"b"}}}"#, mergePatch)
        #expect(missing.status == 404)
        #expect(missing.json["message"] == .string("pods \"nope\" not found"))
        let plain = api.patch(podA, #"{"metadata":{}}"#, "application/json")
        #expect(plain.status == 415)
        #expect(plain.json["message"]?.stringValue?.contains("application/strategic-merge-patch+json") == true)
        #expect(api.patch(podA, "{", mergePatch).status == 400)
        #expect(api.patch(podA, "[]", mergePatch).status == 400)
    }

    @Test func aPatchMayNotChangeWhatTheURLNames() throws {
        let api = try cluster()
        let renamed = api.patch(podA, #"{"metadata":{"name":"b"}}"#, mergePatch)
        #expect(renamed.status == 422)
        #expect(renamed.json["details"]?["causes"]?[0]?["field"] == .string("metadata.name"))
        let moved = api.patch(podA, #"{"metadata":{"namespace":"y"}}"#, mergePatch)
        #expect(moved.status == 422)
        #expect(moved.json["details"]?["causes"]?[0]?["field"] == .string("metadata.namespace"))
        let kind = api.patch(podA, #"{"kind":"Service"}"#, mergePatch)
        #expect(kind.status == 422)
        #expect(kind.json["details"]?["causes"]?[0]?["field"] == .string("kind"))
        let uid = api.patch(podA, #"{"metadata":{"uid":"not-it"}}"#, mergePatch)
        #expect(uid.status == 409)
        #expect(uid.json["message"]?.stringValue?.contains("Precondition failed: UID in precondition: not-it") == true)
    }

    @Test func aPatchWhoseResultIsInvalidIs422AsAPutWouldBe() throws {
        let api = try cluster()
        let revision = api.storeRevision
        let response = api.patch(policyPath, #"{"spec":{"ingress":[{"ports":[{"port":90,"endPort":80}]}]}}"#, mergePatch)
        #expect(response.status == 422)
        #expect(response.json["details"]?["causes"]?[0]?["field"] == .string("spec.ingress[0].ports[0].endPort"))
        #expect(api.storeRevision == revision)
    }

    @Test func aPatchNamingAResourceVersionMustNameTheStoredOne() throws {
        let api = try cluster()
        let stored = try #require(api.send("GET", podA).json["metadata"]?["resourceVersion"]?.stringValue)
        let stale = api.patch(podA, #"{"metadata":{"resourceVersion":"1","labels":{"v":"2"}}}"#, mergePatch)
        #expect(stale.status == 409)
        #expect(stale.json["reason"] == .string("Conflict"))
        let fresh = api.patch(podA, #"{"metadata":{"resourceVersion":"\#(stored)","labels":{"v":"2"}}}"#, mergePatch)
        #expect(fresh.status == 200, "\(fresh.text)")
    }

    @Test func aPatchThatChangesNothingStoresNothing() throws {
        let api = try cluster()
        let revision = api.storeRevision
        let same = api.patch(podA, #"{"metadata":{"labels":{"app":"web"}}}"#, mergePatch)
        #expect(same.status == 200)
        #expect(api.storeRevision == revision)
    }

    @Test func aClusterScopedObjectTakesPatchesToo() throws {
        let api = try cluster()
        let patched = api.patch("/api/v1/namespaces/x", #"{"metadata":{"labels":{"team":"b"}}}"#, mergePatch)
        #expect(patched.status == 200, "\(patched.text)")
        #expect(patched.json["metadata"]?["labels"]?["team"] == .string("b"))
        // The name label stays, whatever the patch says.
        #expect(patched.json["metadata"]?["labels"]?["kubernetes.io/metadata.name"] == .string("x"))
    }

    @Test func writesOfPoliciesByPatchReportTheirFindings() throws {
        let api = try cluster()
        let response = api.sendForWarnings(
            "PATCH", policyPath, #"{"spec":{"podSelector":{"matchLabels":{"app":"nothing"}}}}"#, contentType: mergePatch)
        #expect(response.status == 200)
        #expect(response.warnings.contains { $0.contains("SelectsNoPods") || $0.contains("selects no") }, "\(response.warnings)")
    }
}

@Suite struct JSONPatchTests {
    /// Copies share storage: 45 doublings would describe 2^45 values. The patch is refused once
    /// it has copied a million, and nothing is stored.
    @Test func copiesThatDoubleADocumentAreRefusedBeforeTheyExplode() throws {
        let api = try cluster()
        var operations = [#"{"op":"add","path":"/metadata/annotations","value":{"a":"x"}}"#]
        operations.append(#"{"op":"add","path":"/spec/hostAliases","value":[{"ip":"10.0.0.9","hostnames":["a"]}]}"#)
        for _ in 0..<45 { operations.append(#"{"op":"copy","from":"/spec/hostAliases","path":"/spec/hostAliases/-"}"#) }
        let before = api.send("GET", podA).json["metadata"]?["resourceVersion"]
        let refused = api.patch(podA, "[" + operations.joined(separator: ",") + "]", jsonPatch)
        #expect(refused.status == 422, "\(refused.text)")
        #expect(refused.text.contains("copies more than 1000000 values"))
        #expect(api.send("GET", podA).json["metadata"]?["resourceVersion"] == before)
        // Nesting past what the store reads back is refused too.
        var nested = #""x""#
        for _ in 0..<120 { nested = "[" + nested + "]" }
        let deep = api.patch(podA, #"[{"op":"add","path":"/metadata/annotations/deep","value":\#(nested)}]"#, jsonPatch)
        #expect(deep.status == 422 || deep.status == 400, "\(deep.text)")
    }

    @Test func everyOperationOnAPod() throws {
        let api = try cluster()
        let patch = #"""
            [
              {"op":"add","path":"/metadata/labels/app.kubernetes.io~1name","value":"shop"},
              {"op":"add","path":"/spec/nodeSelector","value":{"a~b":"1"}},
              {"op":"add","path":"/metadata/annotations","value":{}},
              {"op":"copy","from":"/spec/nodeSelector/a~0b","path":"/metadata/annotations/copied"},
              {"op":"move","from":"/metadata/labels/tier","path":"/metadata/labels/layer"},
              {"op":"replace","path":"/spec/containers/0/image","value":"nginx:2"},
              {"op":"add","path":"/spec/containers/-","value":{"name":"side","image":"envoy"}},
              {"op":"remove","path":"/spec/containers/0/ports/0/name"},
              {"op":"test","path":"/spec/containers/1/name","value":"side"}
            ]
            """#
        let patched = api.patch(podA, patch, jsonPatch)
        #expect(patched.status == 200, "\(patched.text)")
        let labels = patched.json["metadata"]?["labels"]
        #expect(labels?["app.kubernetes.io/name"] == .string("shop"))
        #expect(labels?["layer"] == .string("front"))
        #expect(labels?["tier"] == nil)
        #expect(patched.json["spec"]?["nodeSelector"] == .object(["a~b": "1"]))
        #expect(patched.json["metadata"]?["annotations"] == .object(["copied": "1"]))
        #expect(patched.json["spec"]?["containers"]?[0]?["image"] == .string("nginx:2"))
        #expect(patched.json["spec"]?["containers"]?.arrayValue?.count == 2)
        #expect(patched.json["spec"]?["containers"]?[0]?["ports"]?[0]?["name"] == nil)
    }

    @Test func aRuleIsAddedToANetworkPolicy() throws {
        let api = try cluster()
        let patched = api.patch(
            policyPath, #"[{"op":"add","path":"/spec/ingress/-","value":{"ports":[{"port":9090}]}}]"#, jsonPatch)
        #expect(patched.status == 200, "\(patched.text)")
        #expect(patched.json["spec"]?["ingress"]?.arrayValue?.count == 2)
    }

    @Test func operationsThatDoNotApplyAre422NamingTheOperation() throws {
        let api = try cluster()
        let revision = api.storeRevision
        let cases: [(String, String)] = [
            (#"[{"op":"add","path":"/metadata/labels/x","value":"1"},{"op":"remove","path":"/spec/nope"}]"#, "operation 1"),
            (#"[{"op":"replace","path":"/spec/nope","value":1}]"#, "operation 0"),
            (#"[{"op":"test","path":"/metadata/labels/app","value":"db"}]"#, "test failed"),
            (#"[{"op":"add","path":"/spec/containers/5","value":{}}]"#, "out of range"),
            (#"[{"op":"add","path":"/spec/containers/01","value":{}}]"#, "not an array index"),
            (#"[{"op":"move","from":"/metadata","path":"/metadata/labels/m"}]"#, "its own members"),
            (#"[{"op":"add","path":"/nope/deeper","value":1}]"#, "does not exist"),
        ]
        for (patch, words) in cases {
            let response = api.patch(podA, patch, jsonPatch)
            #expect(response.status == 422, "\(patch): \(response.text)")
            #expect(response.json["message"]?.stringValue?.contains(words) == true, "\(patch): \(response.text)")
        }
        #expect(api.storeRevision == revision)
    }

    @Test func malformedPatchesAreBadRequests() throws {
        let api = try cluster()
        for patch in [
            #"{"op":"add"}"#, #"[{"op":"frobnicate","path":"/a"}]"#, #"[{"op":"add","path":"/a"}]"#,
            #"[{"op":"add","path":"a","value":1}]"#, #"[{"op":"move","path":"/a"}]"#, #"[{"op":"add","path":"/a~2","value":1}]"#,
        ] {
            #expect(api.patch(podA, patch, jsonPatch).status == 400, "\(patch)")
        }
    }

    @Test func aPatchThatEmptiesTheDocumentIsInvalid() throws {
        let api = try cluster()
        #expect(api.patch(podA, #"[{"op":"replace","path":"","value":[]}]"#, jsonPatch).status == 422)
    }
}

@Suite struct StrategicMergePatchTests {
    @Test func containersMergeByNameAndTheirPortsAndEnvByKey() throws {
        let api = try cluster()
        let patched = api.patch(
            podA,
            #"{"spec":{"containers":[{"name":"c","image":"nginx:2","env":[{"name":"A","value":"1"}],"ports":[{"containerPort":9090,"name":"metrics"}]},{"name":"side","image":"envoy"}]}}"#,
            strategicPatch)
        #expect(patched.status == 200, "\(patched.text)")
        let containers = try #require(patched.json["spec"]?["containers"]?.arrayValue)
        #expect(containers.map { $0["name"] } == [.string("c"), .string("side")])
        #expect(containers[0]["image"] == .string("nginx:2"))
        // The stored port stays; the new one joins it.
        #expect(containers[0]["ports"]?.arrayValue?.compactMap { $0["containerPort"]?.integerValue }.sorted() == [8080, 9090])
        let again = api.patch(
            podA, #"{"spec":{"containers":[{"name":"c","env":[{"name":"B","value":"2"},{"name":"A","value":"3"}]}]}}"#,
            strategicPatch)
        let env = again.json["spec"]?["containers"]?[0]?["env"]?.arrayValue ?? []
        #expect(env.count == 2)
        #expect(env.first { $0["name"] == .string("A") }?["value"] == .string("3"))
        // Named ports reach the evaluator: a policy on "metrics" resolves on the new port.
        let policy = api.send(
            "POST", "/apis/networking.k8s.io/v1/namespaces/x/networkpolicies",
            #"{"metadata":{"name":"m"},"spec":{"podSelector":{},"ingress":[{"ports":[{"port":"metrics"}]}]}}"#)
        #expect(policy.status == 201)
        #expect(api.send("GET", "/v1/decide?from=10.9.9.9&to=x/a&port=9090").json["allowed"] == .bool(true))
    }

    @Test func deleteReplaceAndOrderDirectives() throws {
        let api = try cluster()
        api.patch(podA, #"{"spec":{"containers":[{"name":"b","image":"x"},{"name":"z","image":"y"}]}}"#, strategicPatch)
        let deleted = api.patch(podA, #"{"spec":{"containers":[{"name":"b","$patch":"delete"}]}}"#, strategicPatch)
        #expect(deleted.status == 200, "\(deleted.text)")
        // Without `$setElementOrder`, upstream puts the patch's new elements before the stored ones.
        #expect(deleted.json["spec"]?["containers"]?.arrayValue?.map { $0["name"] } == [.string("z"), .string("c")])
        let ordered = api.patch(
            podA,
            #"{"spec":{"$setElementOrder/containers":[{"name":"c"},{"name":"z"}],"containers":[{"name":"z","image":"y2"}]}}"#,
            strategicPatch)
        #expect(ordered.status == 200, "\(ordered.text)")
        #expect(ordered.json["spec"]?["containers"]?.arrayValue?.map { $0["name"] } == [.string("c"), .string("z")])
        #expect(ordered.json["spec"]?["containers"]?[1]?["image"] == .string("y2"))
        let replaced = api.patch(
            podA, #"{"spec":{"containers":[{"name":"only","image":"i"},{"$patch":"replace"}]}}"#, strategicPatch)
        #expect(replaced.json["spec"]?["containers"]?.arrayValue?.map { $0["name"] } == [.string("only")])
        // `$patch: replace` in an object: the object becomes the patch's.
        let labels = api.patch(podA, #"{"metadata":{"labels":{"$patch":"replace","fresh":"yes"}}}"#, strategicPatch)
        #expect(labels.json["metadata"]?["labels"] == .object(["fresh": "yes"]))
        // `$patch: delete` in an object removes it; null removes a member.
        let status = api.patch(
            podA, #"{"metadata":{"annotations":{"$patch":"delete"}},"spec":{"nodeName":null}}"#, strategicPatch)
        #expect(status.status == 200, "\(status.text)")
        #expect(status.json["metadata"]?["annotations"] == nil || status.json["metadata"]?["annotations"] == .object([:]))
    }

    @Test func primitiveListsMergeAsSetsAndDeleteFromThem() throws {
        let api = try cluster()
        let added = api.patch(podA, #"{"metadata":{"finalizers":["a/one","a/two"]}}"#, strategicPatch)
        #expect(added.json["metadata"]?["finalizers"] == .array(["a/one", "a/two"]))
        let merged = api.patch(podA, #"{"metadata":{"finalizers":["a/three","a/one"]}}"#, strategicPatch)
        #expect(Set(merged.json["metadata"]?["finalizers"]?.arrayValue ?? []) == ["a/one", "a/two", "a/three"])
        let removed = api.patch(podA, #"{"metadata":{"$deleteFromPrimitiveList/finalizers":["a/two"]}}"#, strategicPatch)
        #expect(removed.status == 200, "\(removed.text)")
        #expect(Set(removed.json["metadata"]?["finalizers"]?.arrayValue ?? []) == ["a/one", "a/three"])
    }

    @Test func retainKeysClearsTheOtherMembersOfAVolume() throws {
        let api = try cluster()
        api.patch(podA, #"{"spec":{"volumes":[{"name":"data","emptyDir":{}}]}}"#, strategicPatch)
        let switched = api.patch(
            podA, #"{"spec":{"volumes":[{"name":"data","$retainKeys":["name","hostPath"],"hostPath":{"path":"/d"}}]}}"#,
            strategicPatch)
        #expect(switched.status == 200, "\(switched.text)")
        #expect(switched.json["spec"]?["volumes"] == .array([.object(["name": "data", "hostPath": .object(["path": "/d"])])]))
        let wrong = api.patch(
            podA, #"{"spec":{"volumes":[{"name":"data","$retainKeys":["name"],"hostPath":{"path":"/e"}}]}}"#, strategicPatch)
        #expect(wrong.status == 400)
    }

    @Test func aNetworkPolicysRulesAreAtomic() throws {
        let api = try cluster()
        let patched = api.patch(policyPath, #"{"spec":{"ingress":[{"ports":[{"port":80}]}]}}"#, strategicPatch)
        #expect(patched.status == 200, "\(patched.text)")
        #expect(patched.json["spec"]?["ingress"]?.arrayValue?.count == 1)
        #expect(patched.json["spec"]?["ingress"]?[0]?["from"] == nil)
    }

    @Test func servicePortsMergeByPort() throws {
        let api = try cluster()
        let created = api.send(
            "POST", "/api/v1/namespaces/x/services",
            #"{"metadata":{"name":"s"},"spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80,"targetPort":8080}]}}"#)
        #expect(created.status == 201, "\(created.text)")
        let patched = api.patch(
            "/api/v1/namespaces/x/services/s",
            #"{"spec":{"ports":[{"name":"metrics","port":9090},{"port":80,"targetPort":"http"}]}}"#,
            strategicPatch)
        #expect(patched.status == 200, "\(patched.text)")
        let ports = patched.json["spec"]?["ports"]?.arrayValue ?? []
        #expect(ports.count == 2)
        #expect(ports.first { $0["port"] == .integer(80) }?["name"] == .string("http"))
        #expect(ports.first { $0["port"] == .integer(80) }?["targetPort"] == .string("http"))
    }

    @Test func workloadTemplatesMergeLikePods() throws {
        let api = try cluster()
        let created = api.send(
            "POST", "/apis/apps/v1/namespaces/x/deployments",
            #"{"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"app":"d"}},"template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"c","image":"i","ports":[{"containerPort":80}]}]}}}}"#
        )
        #expect(created.status == 201, "\(created.text)")
        let patched = api.patch(
            "/apis/apps/v1/namespaces/x/deployments/d",
            #"{"spec":{"template":{"metadata":{"annotations":{"restartedAt":"now"}},"spec":{"containers":[{"name":"c","image":"i2"}]}}}}"#,
            strategicPatch)
        #expect(patched.status == 200, "\(patched.text)")
        let container = patched.json["spec"]?["template"]?["spec"]?["containers"]?[0]
        #expect(container?["image"] == .string("i2"))
        #expect(container?["ports"]?.arrayValue?.count == 1)
    }

    @Test func malformedDirectivesAreBadRequests() throws {
        let api = try cluster()
        #expect(api.patch(podA, #"{"metadata":{"$patch":"frobnicate"}}"#, strategicPatch).status == 400)
        #expect(api.patch(podA, #"{"metadata":{"$deleteFromPrimitiveListfinalizers":["a"]}}"#, strategicPatch).status == 400)
        #expect(api.patch(podA, #"{"spec":{"$setElementOrder/containers":"c"}}"#, strategicPatch).status == 400)
        #expect(api.patch(podA, #"{"spec":{"containers":[{"image":"no-name"}]}}"#, strategicPatch).status == 422)
        #expect(api.patch(podA, "[]", strategicPatch).status == 400)
    }

    @Test func theClusterNetworkPolicyKindsRefuseStrategicMerge() throws {
        let api = try APIHarness()
        let path = "/apis/policy.networking.k8s.io/v1alpha2/clusternetworkpolicies/p"
        #expect(api.patch(path, #"{"spec":{}}"#, strategicPatch).status == 415)
        #expect(api.patch(path, #"{"spec":{}}"#, mergePatch).status == 404)
    }
}

@Suite struct ApplyPatchTests {
    let podYAML = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
          labels: {app: web, owner: me}
        spec:
          containers:
          - name: c
            image: nginx
        status:
          podIP: 10.0.0.9
        """

    @Test func applyCreatesThenUpdatesAndRecordsItsFields() throws {
        let api = try cluster()
        let path = "/api/v1/namespaces/x/pods/p?fieldManager=kubectl&force=true"
        let created = api.patch(path, podYAML, applyPatch)
        #expect(created.status == 201, "\(created.text)")
        #expect(created.json["metadata"]?["namespace"] == .string("x"))
        let entry = created.json["metadata"]?["managedFields"]?[0]
        #expect(entry?["manager"] == .string("kubectl"))
        #expect(entry?["operation"] == .string("Apply"))
        #expect(entry?["fieldsType"] == .string("FieldsV1"))
        #expect(entry?["fieldsV1"]?["f:metadata"]?["f:labels"]?["f:app"] == .object([:]))
        #expect(entry?["fieldsV1"]?["f:spec"]?["f:containers"]?[#"k:{"name":"c"}"#]?["f:image"] == .object([:]))

        let revision = api.storeRevision
        let again = api.patch(path, podYAML, applyPatch)
        #expect(again.status == 200)
        #expect(api.storeRevision == revision)

        // Someone else adds a label; the manager drops one of its own and changes the image.
        api.patch("/api/v1/namespaces/x/pods/p", #"{"metadata":{"labels":{"other":"yes"}}}"#, mergePatch)
        let changed = podYAML.replacing("labels: {app: web, owner: me}", with: "labels: {app: web}").replacing(
            "image: nginx", with: "image: nginx:2")
        let updated = api.patch(path, changed, applyPatch)
        #expect(updated.status == 200, "\(updated.text)")
        #expect(updated.json["metadata"]?["labels"] == .object(["app": "web", "other": "yes"]))
        #expect(updated.json["spec"]?["containers"]?[0]?["image"] == .string("nginx:2"))
        #expect(updated.json["metadata"]?["managedFields"]?.arrayValue?.count == 1)
    }

    @Test func twoManagersKeepEachOthersFields() throws {
        let api = try cluster()
        let base = "/api/v1/namespaces/x/pods/p?fieldManager="
        #expect(api.patch(base + "one", podYAML, applyPatch).status == 201)
        let second = #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"owner":"me","extra":"1"}}}"#
        #expect(api.patch(base + "two", second, applyPatch).status == 200)
        // `one` drops `owner`: `two` still holds it.
        let dropped = podYAML.replacing("labels: {app: web, owner: me}", with: "labels: {app: web}")
        let result = api.patch(base + "one", dropped, applyPatch)
        #expect(result.json["metadata"]?["labels"] == .object(["app": "web", "owner": "me", "extra": "1"]))
        #expect(result.json["metadata"]?["managedFields"]?.arrayValue?.count == 2)
    }

    @Test func applyNeedsAFieldManagerAndOnlyApplyTakesForce() throws {
        let api = try cluster()
        let missing = api.patch("/api/v1/namespaces/x/pods/p", podYAML, applyPatch)
        #expect(missing.status == 422)
        #expect(
            missing.json["message"]
                == .string(#"PatchOptions.meta.k8s.io "" is invalid: fieldManager: is required for apply patch"#))
        let forced = api.patch(podA + "?force=true", #"{"metadata":{}}"#, mergePatch)
        #expect(forced.status == 422)
        #expect(forced.json["details"]?["causes"]?[0]?["field"] == .string("force"))
    }

    @Test func applyOfACalicoPolicyAndAnInvalidApply() throws {
        let api = try APIHarness()
        let path = "/apis/projectcalico.org/v3/globalnetworkpolicies/g?fieldManager=kubectl"
        let created = api.patch(path, globalPolicyJSON, applyPatch)
        #expect(created.status == 201, "\(created.text)")
        let invalid = api.patch(path, globalPolicyJSON.replacing(#""order":10"#, with: #""order":"ten""#), applyPatch)
        #expect(invalid.status == 422)
        let renamed = api.patch(path, globalPolicyJSON.replacing(#""name":"g""#, with: #""name":"h""#), applyPatch)
        #expect(renamed.status == 422)
    }
}

@Suite struct DryRunTests {
    @Test func everyVerbChecksAndStoresNothing() throws {
        let api = try cluster()
        let revision = api.storeRevision
        let created = api.send("POST", "/api/v1/namespaces/x/pods?dryRun=All", podJSON("new", ip: "10.0.0.7"))
        #expect(created.status == 201, "\(created.text)")
        #expect(created.json["metadata"]?["uid"] != nil)
        #expect(created.json["metadata"]?["resourceVersion"] == nil)
        #expect(api.send("GET", "/api/v1/namespaces/x/pods/new").status == 404)

        let stored = api.send("GET", podA).json
        let replaced = api.send("PUT", podA + "?dryRun=All", podJSON("a", ip: "10.0.0.1", labels: #"{"app":"dry"}"#))
        #expect(replaced.status == 200, "\(replaced.text)")
        #expect(replaced.json["metadata"]?["labels"] == .object(["app": "dry"]))
        #expect(replaced.json["metadata"]?["resourceVersion"] == stored["metadata"]?["resourceVersion"])

        let patched = api.patch(podA + "?dryRun=All", #"{"metadata":{"labels":{"app":"dry"}}}"#, mergePatch)
        #expect(patched.status == 200)
        #expect(patched.json["metadata"]?["labels"]?["app"] == .string("dry"))
        let applied = api.patch("/api/v1/namespaces/x/pods/p?dryRun=All&fieldManager=m", podJSON("p", ip: "10.0.0.8"), applyPatch)
        #expect(applied.status == 201, "\(applied.text)")

        let deleted = api.send("DELETE", podA + "?dryRun=All")
        #expect(deleted.status == 200)
        #expect(deleted.json["metadata"]?["name"] == .string("a"))
        let namespace = api.send(
            "DELETE", "/api/v1/namespaces/x", #"{"kind":"DeleteOptions","apiVersion":"v1","dryRun":["All"]}"#)
        #expect(namespace.status == 200)
        #expect(namespace.json["details"]?["causes"]?.arrayValue?.count == 3)

        #expect(api.send("GET", podA).json == stored)
        #expect(api.storeRevision == revision)
    }

    @Test func aDryRunStillRefusesWhatAWriteWould() throws {
        let api = try cluster()
        #expect(api.send("POST", "/api/v1/namespaces/x/pods?dryRun=All", podJSON("a", ip: "10.0.0.1")).status == 409)
        #expect(
            api.send("POST", "/api/v1/namespaces/nope/pods?dryRun=All", podJSON("b", namespace: "nope", ip: "10.0.0.1")).status
                == 404)
        #expect(api.send("DELETE", "/api/v1/namespaces/x/pods/nope?dryRun=All").status == 404)
    }

    @Test func aDryRunOfAPolicyReportsItsFindings() throws {
        let api = try cluster()
        let response = api.sendForWarnings(
            "POST", "/apis/networking.k8s.io/v1/namespaces/x/networkpolicies?dryRun=All",
            #"{"metadata":{"name":"typo"},"spec":{"podSelector":{"matchLabels":{"app":"wbe"}}}}"#)
        #expect(response.status == 201)
        #expect(response.warnings.contains { $0.contains("wbe") }, "\(response.warnings)")
        #expect(api.send("GET", "/apis/networking.k8s.io/v1/namespaces/x/networkpolicies/typo").status == 404)
    }

    @Test func dryRunTakesOnlyAll() throws {
        let api = try cluster()
        let response = api.send("POST", "/api/v1/namespaces/x/pods?dryRun=true", podJSON("n", ip: "10.0.0.7"))
        #expect(response.status == 422)
        #expect(response.json["details"]?["kind"] == .string("CreateOptions"))
        #expect(response.json["details"]?["causes"]?[0]?["field"] == .string("dryRun"))
        #expect(api.send("PUT", podA + "?dryRun=x", podJSON("a", ip: "10.0.0.1")).status == 422)
        #expect(api.patch(podA + "?dryRun=x", "{}", mergePatch).status == 422)
        #expect(api.send("DELETE", podA + "?dryRun=x").status == 422)
        #expect(api.send("GET", podA).status == 200)
    }
}

@Suite struct FieldValidationTests {
    let unknownSpecField =
        #"{"metadata":{"name":"p"},"spec":{"podSelector":{},"foo":1,"ingress":[{"ports":[{"port":80,"bar":true}]}]}}"#
    let policies = "/apis/networking.k8s.io/v1/namespaces/x/networkpolicies"

    @Test func strictIsTheDefaultAndWordedAsUpstreamWhenNamed() throws {
        let api = try cluster()
        // Not named: refused all the same, as netpold's own 422 naming each field.
        let plain = api.send("POST", policies, unknownSpecField)
        #expect(plain.status == 422, "\(plain.text)")
        #expect(plain.json["details"]?["causes"]?.arrayValue?.count == 2)
        for query in ["?fieldValidation=Strict"] {
            let response = api.send("POST", policies + query, unknownSpecField)
            #expect(response.status == 400, "\(response.text)")
            #expect(
                response.json["message"]
                    == .string(
                        #"NetworkPolicy in version "v1" cannot be handled as a NetworkPolicy: strict decoding error: unknown field "spec.foo", unknown field "spec.ingress[0].ports[0].bar""#
                    ))
            #expect(response.json["details"]?["causes"]?.arrayValue?.count == 2)
        }
        // Unknown fields beside other problems: 422 with all of them, as before.
        let both = api.send(
            "POST", policies, #"{"metadata":{"name":"p"},"spec":{"podSelector":{},"foo":1,"policyTypes":["Sideways"]}}"#)
        #expect(both.status == 422)
        let patched = api.patch(policyPath, #"{"spec":{"foo":1}}"#, mergePatch)
        #expect(patched.status == 422)
        #expect(patched.json["message"]?.stringValue?.contains(#"strict decoding error: unknown field "spec.foo""#) == true)
    }

    @Test func warnStoresWithoutTheFieldsAndSaysWhichWereLeftOut() throws {
        let api = try cluster()
        let response = api.sendForWarnings("POST", policies + "?fieldValidation=Warn", unknownSpecField)
        #expect(response.status == 201, "\(response.json)")
        #expect(response.json["spec"]?["foo"] == nil)
        #expect(response.json["spec"]?["ingress"]?[0]?["ports"]?[0]?["bar"] == nil)
        #expect(
            response.warnings.prefix(2) == [
                #"299 - "unknown field \"spec.foo\"""#, #"299 - "unknown field \"spec.ingress[0].ports[0].bar\"""#,
            ])
        let stored = api.send("GET", policies + "/p").json
        #expect(stored["spec"]?["foo"] == nil)
        let patched = api.sendForWarnings(
            "PATCH", policyPath + "?fieldValidation=Warn", #"{"metadata":{"labels":{"a":"b"},"bogus":1}}"#,
            contentType: mergePatch)
        #expect(patched.status == 200)
        #expect(patched.warnings.first == #"299 - "unknown field \"metadata.bogus\"""#)
    }

    @Test func ignoreStoresWithoutTheFieldsSilently() throws {
        let api = try cluster()
        let response = api.sendForWarnings("POST", policies + "?fieldValidation=Ignore", unknownSpecField)
        #expect(response.status == 201)
        #expect(response.json["spec"]?["foo"] == nil)
        #expect(!response.warnings.contains { $0.contains("unknown field") })
    }

    @Test func otherErrorsStayErrorsInEveryMode() throws {
        let api = try cluster()
        for mode in ["Strict", "Warn", "Ignore"] {
            let response = api.send(
                "POST", policies + "?fieldValidation=\(mode)",
                #"{"metadata":{"name":"p"},"spec":{"podSelector":{},"ingress":[{"from":[{"NamespaceSelector":{}}]}]}}"#)
            #expect(response.status == 422, "\(mode): \(response.text)")
            #expect(
                response.json["details"]?["causes"]?.arrayValue?.contains { $0["message"]?.stringValue?.contains("peer") == true }
                    == true, "\(mode)")
        }
    }

    @Test func importsTakeTheModesToo() throws {
        let api = try cluster()
        let yaml = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: p, namespace: x}
            spec: {podSelector: {}, foo: 1}
            """
        #expect(api.importYAML(yaml).status == 422)
        let warned = api.sendForWarnings("POST", "/v1/import?fieldValidation=Warn", yaml, contentType: "application/yaml")
        #expect(warned.status == 200, "\(warned.json)")
        #expect(
            warned.warnings.first?.contains(#"NetworkPolicy \"p\": unknown field \"spec.foo\""#) == true, "\(warned.warnings)")
        #expect(api.send("GET", policies + "/p").json["spec"]?["foo"] == nil)
        #expect(api.importYAML(yaml, extra: "&fieldValidation=Ignore").status == 200)
        #expect(api.importYAML(yaml, extra: "&fieldValidation=Sometimes").status == 400)
    }

    @Test func anUnknownModeIsInvalid() throws {
        let api = try cluster()
        let response = api.send("POST", policies + "?fieldValidation=strict", unknownSpecField)
        #expect(response.status == 422)
        #expect(response.json["details"]?["causes"]?[0]?["field"] == .string("fieldValidation"))
    }
}

@Suite struct DeleteOptionsTests {
    @Test func preconditionsMustMatch() throws {
        let api = try cluster()
        let stored = api.send("GET", podA).json["metadata"]
        let uid = try #require(stored?["uid"]?.stringValue)
        let version = try #require(stored?["resourceVersion"]?.stringValue)
        let wrongUID = api.send("DELETE", podA, #"{"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"uid":"other"}}"#)
        #expect(wrongUID.status == 409)
        #expect(
            wrongUID.json["message"]
                == .string(
                    #"Operation cannot be fulfilled on pods "a": Precondition failed: UID in precondition: other, UID in object meta: \#(uid)"#
                ))
        let wrongVersion = api.send("DELETE", podA, #"{"preconditions":{"resourceVersion":"1"}}"#)
        #expect(wrongVersion.status == 409)
        #expect(wrongVersion.json["message"]?.stringValue?.contains("ResourceVersion in precondition: 1") == true)
        #expect(api.send("GET", podA).status == 200)
        let deleted = api.send(
            "DELETE", podA,
            #"{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background","gracePeriodSeconds":0,"preconditions":{"uid":"\#(uid)","resourceVersion":"\#(version)"}}"#
        )
        #expect(deleted.status == 200, "\(deleted.text)")
        #expect(deleted.json["kind"] == .string("Pod"))
        #expect(api.send("GET", podA).status == 404)
    }

    @Test func queryOptionsAreAccepted() throws {
        let api = try cluster()
        #expect(api.send("DELETE", podA + "?propagationPolicy=Foreground&gracePeriodSeconds=30").status == 200)
        let namespace = api.send("DELETE", "/api/v1/namespaces/x?propagationPolicy=Background")
        #expect(namespace.status == 200)
        #expect(namespace.json["kind"] == .string("Status"))
    }

    @Test func badOptionsAreRefused() throws {
        let api = try cluster()
        let policy = api.send("DELETE", podA + "?propagationPolicy=Sometimes")
        #expect(policy.status == 422)
        #expect(policy.json["details"]?["kind"] == .string("DeleteOptions"))
        #expect(api.send("DELETE", podA + "?gracePeriodSeconds=soon").status == 400)
        #expect(api.send("DELETE", podA, #"{"kind":"Pod"}"#).status == 400)
        #expect(api.send("DELETE", podA, #"{"preconditions":"x"}"#).status == 400)
        #expect(api.send("DELETE", podA, #"{"propagationPolicy":"Orphan","orphanDependents":true}"#).status == 422)
        #expect(api.send("GET", podA).status == 200)
    }
}
