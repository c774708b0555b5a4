import MicroHTTP
import PolicyCore
import Testing

@testable import PolicyAPI

/// What kubectl reads before it does anything: discovery, `/version`, and the OpenAPI v3 documents
/// its validation decides by.
@Suite struct KubernetesDiscoveryTests {
    private func strings(_ value: JSONValue?) -> [String] { (value?.arrayValue ?? []).compactMap(\.stringValue) }

    @Test func coreVersionsNameTheCoreGroupAndTheAddressTheClientUsed() throws {
        let api = try APIHarness()
        let response = api.router.handle(HTTPRequest(method: "GET", path: "/api", headers: ["Host": "netpold.example:8080"]))
        #expect(response.status == 200)
        let body = try JSONParser.parse(response.body)
        #expect(body["kind"] == "APIVersions")
        #expect(strings(body["versions"]) == ["v1"])
        #expect(
            body["serverAddressByClientCIDRs"]
                == .array([.object(["clientCIDR": "0.0.0.0/0", "serverAddress": "netpold.example:8080"])]))
    }

    @Test func coreResourcesAreTheCoreKindsNetpoldStores() throws {
        let api = try APIHarness()
        let list = api.send("GET", "/api/v1")
        #expect(list.status == 200)
        #expect(list.json["kind"] == "APIResourceList")
        #expect(list.json["groupVersion"] == "v1")
        let resources = list.json["resources"]?.arrayValue ?? []
        #expect(
            resources.compactMap { $0["name"]?.stringValue }
                == ["namespaces", "nodes", "pods", "replicationcontrollers", "services"])
        let pods = try #require(resources.first { $0["name"] == "pods" })
        #expect(pods["singularName"] == "pod")
        #expect(pods["namespaced"] == .bool(true))
        #expect(pods["kind"] == "Pod")
        #expect(strings(pods["verbs"]) == ["create", "delete", "get", "list", "patch", "update", "watch"])
        #expect(strings(pods["shortNames"]) == ["po"])
        #expect(strings(pods["categories"]) == ["all"])
        let namespaces = try #require(resources.first { $0["name"] == "namespaces" })
        #expect(namespaces["namespaced"] == .bool(false))
        #expect(namespaces["categories"] == nil)
    }

    @Test func groupsAreListedKubernetesFirstWithTheirPreferredVersion() throws {
        let api = try APIHarness()
        let list = api.send("GET", "/apis")
        #expect(list.status == 200)
        #expect(list.json["kind"] == "APIGroupList")
        let groups = list.json["groups"]?.arrayValue ?? []
        #expect(
            groups.compactMap { $0["name"]?.stringValue }
                == ["apps", "batch", "networking.k8s.io", "policy.networking.k8s.io", "projectcalico.org"])
        let policy = try #require(groups.first { $0["name"] == "policy.networking.k8s.io" })
        #expect(
            policy["versions"]?.arrayValue?.compactMap { $0["groupVersion"]?.stringValue }
                == ["policy.networking.k8s.io/v1alpha2", "policy.networking.k8s.io/v1alpha1"])
        #expect(policy["preferredVersion"]?["version"] == "v1alpha2")

        let group = api.send("GET", "/apis/projectcalico.org")
        #expect(group.status == 200)
        #expect(group.json["kind"] == "APIGroup")
        #expect(group.json["preferredVersion"]?["groupVersion"] == "projectcalico.org/v3")
    }

    @Test func calicoResourcesCarryCalicosShortNamesButLeaveCnpToClusterNetworkPolicies() throws {
        let api = try APIHarness()
        let calico = api.send("GET", "/apis/projectcalico.org/v3")
        #expect(calico.status == 200)
        #expect(calico.json["apiVersion"] == "v1")
        let resources = calico.json["resources"]?.arrayValue ?? []
        let policies = try #require(resources.first { $0["name"] == "networkpolicies" })
        #expect(policies["kind"] == "NetworkPolicy")
        #expect(policies["namespaced"] == .bool(true))
        #expect(!strings(policies["shortNames"]).contains("cnp"))
        let global = try #require(resources.first { $0["name"] == "globalnetworkpolicies" })
        #expect(strings(global["shortNames"]).contains("gnp"))
        #expect(global["namespaced"] == .bool(false))

        let admin = api.send("GET", "/apis/policy.networking.k8s.io/v1alpha2").json["resources"]?.arrayValue ?? []
        #expect(admin.count == 1)
        #expect(strings(admin.first?["shortNames"]) == ["cnp"])
        let netpol = api.send("GET", "/apis/networking.k8s.io/v1").json["resources"]?.arrayValue ?? []
        #expect(strings(netpol.first?["shortNames"]) == ["netpol"])
    }

    @Test func everyKindIsDiscoverableOnceAndItsAdvertisedCollectionAnswers() throws {
        let api = try APIHarness()
        var found: [ResourceKind] = []
        var prefixes = ["/api/v1"]
        for group in api.send("GET", "/apis").json["groups"]?.arrayValue ?? [] {
            for version in group["versions"]?.arrayValue ?? [] {
                prefixes.append("/apis/" + (version["groupVersion"]?.stringValue ?? ""))
            }
        }
        for prefix in prefixes {
            let list = api.send("GET", prefix)
            #expect(list.status == 200, "\(prefix)")
            let groupVersion = list.json["groupVersion"]?.stringValue ?? ""
            for resource in list.json["resources"]?.arrayValue ?? [] {
                let name = resource["name"]?.stringValue ?? ""
                let kind = try #require(
                    ResourceKind(apiVersion: groupVersion, kind: resource["kind"]?.stringValue ?? ""), "\(groupVersion) \(name)")
                #expect(kind.plural == name)
                found.append(kind)
                // kubectl lists a namespaced kind across namespaces at the same URL.
                #expect(api.send("GET", "\(prefix)/\(name)").status == 200, "\(prefix)/\(name)")
            }
        }
        #expect(found.sorted() == ResourceKind.allCases.sorted())
    }

    @Test func unknownGroupsAndVersionsAreNotFoundAndDiscoveryIsReadOnly() throws {
        let api = try APIHarness()
        for path in ["/apis/nope.example.com", "/apis/apps/v2", "/api/v2", "/apis/projectcalico.org/v1"] {
            let response = api.send("GET", path)
            #expect(response.status == 404, "\(path)")
            #expect(response.json["reason"] == "NotFound")
        }
        #expect(api.send("POST", "/apis", "{}", contentType: "application/json").status == 405)
    }

    @Test func versionAnswersAsAKubernetes132ServerAndKeepsNetpoldsFields() throws {
        let api = try APIHarness()
        let version = api.send("GET", "/version")
        #expect(version.status == 200)
        #expect(version.json["name"] == "netpold")
        #expect(version.json["version"] == "test")
        #expect(version.json["schemaVersion"]?.stringValue?.isEmpty == false)
        #expect(version.json["major"] == "1")
        #expect(version.json["minor"] == "32")
        #expect(version.json["gitVersion"] == "v1.32.0-netpold.test")
        for field in ["gitCommit", "gitTreeState", "buildDate", "goVersion", "compiler", "platform"] {
            #expect(version.json[field]?.stringValue != nil, "\(field)")
        }
    }

    @Test func gitVersionIsASemanticVersionWhateverNetpoldsVersionLooksLike() {
        #expect(ServerVersion.gitVersion(netpold: "0.1.0") == "v1.32.0-netpold.0.1.0")
        #expect(ServerVersion.gitVersion(netpold: "1.02.3") == "v1.32.0-netpold.1.2.3")
        #expect(ServerVersion.gitVersion(netpold: "2.0.0+dirty/main") == "v1.32.0-netpold.2.0.0-dirty-main")
        #expect(ServerVersion.gitVersion(netpold: "") == "v1.32.0-netpold")
    }

    @Test func versionPriorityOrdersAsKubernetesDoes() {
        let versions = ["v1alpha1", "v2", "v1beta1", "v1", "v1alpha2", "v1beta2", "foo"]
        #expect(
            versions.sorted { APIDiscovery.versionPriority($0) > APIDiscovery.versionPriority($1) }
                == ["v2", "v1", "v1beta2", "v1beta1", "v1alpha2", "v1alpha1", "foo"])
    }

    /// kubectl's test: a group version's document has, for the kind, a PATCH operation tagged with
    /// its group, version and kind that declares the query parameter.
    private func patchDeclares(_ document: JSONValue, _ kind: ResourceKind, _ parameter: String) -> Bool {
        for (_, path) in document["paths"]?.objectValue ?? [:] {
            guard let patch = path["patch"] else { continue }
            let gvk = patch["x-kubernetes-group-version-kind"]
            guard gvk?["group"]?.stringValue == kind.group, gvk?["version"]?.stringValue == kind.version,
                gvk?["kind"]?.stringValue == kind.kind
            else { continue }
            return (patch["parameters"]?.arrayValue ?? []).contains { $0["name"]?.stringValue == parameter }
        }
        return false
    }

    @Test func openAPIv3IndexesEveryGroupVersionAndEachPatchDeclaresFieldValidation() throws {
        let api = try APIHarness()
        let index = api.send("GET", "/openapi/v3")
        #expect(index.status == 200)
        let paths = index.json["paths"]?.objectValue ?? [:]
        #expect(
            Set(paths.keys)
                == [
                    "api/v1", "apis/apps/v1", "apis/batch/v1", "apis/networking.k8s.io/v1",
                    "apis/policy.networking.k8s.io/v1alpha1",
                    "apis/policy.networking.k8s.io/v1alpha2", "apis/projectcalico.org/v3",
                ])
        for (name, entry) in paths {
            let url = try #require(entry["serverRelativeURL"]?.stringValue)
            #expect(url.hasPrefix("/openapi/v3/\(name)?hash="))
            let document = api.send("GET", url)
            #expect(document.status == 200, "\(url)")
            #expect(document.json["openapi"] == "3.0.0")
            let kinds = ResourceKind.allCases.filter {
                APIDiscovery.GroupVersion(group: $0.group, version: $0.version).path == name
            }
            #expect(!kinds.isEmpty)
            for kind in kinds {
                #expect(patchDeclares(document.json, kind, "fieldValidation"), "\(kind)")
                #expect(patchDeclares(document.json, kind, "dryRun"), "\(kind)")
            }
        }
        #expect(api.send("GET", "/openapi/v3/apis/nope/v1").status == 404)
    }

    @Test func openAPIv3GroupVersionDocumentDescribesTheKindsPathsAndSchemas() throws {
        let api = try APIHarness()
        let document = api.send("GET", "/openapi/v3/apis/networking.k8s.io/v1").json
        let item = try #require(document["paths"]?["/apis/networking.k8s.io/v1/namespaces/{namespace}/networkpolicies/{name}"])
        for method in ["get", "put", "patch", "delete"] { #expect(item[method] != nil, "\(method)") }
        let patch = try #require(item["patch"])
        #expect(patch["x-kubernetes-action"] == "patch")
        // No strategic merge patch: these schemas carry no merge keys for kubectl to build one from.
        let types = Set(patch["requestBody"]?["content"]?.objectValue?.keys.map { $0 } ?? [])
        #expect(types == ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"])
        let collection = try #require(document["paths"]?["/apis/networking.k8s.io/v1/namespaces/{namespace}/networkpolicies"])
        #expect(collection["post"]?["x-kubernetes-action"] == "post")
        #expect(document["paths"]?["/apis/networking.k8s.io/v1/networkpolicies"]?["get"]?["x-kubernetes-action"] == "list")

        let schema = try #require(document["components"]?["schemas"]?["io.k8s.api.networking.v1.NetworkPolicy"])
        #expect(
            schema["x-kubernetes-group-version-kind"]
                == .array([.object(["group": "networking.k8s.io", "version": "v1", "kind": "NetworkPolicy"])]))
        #expect(schema["properties"]?["spec"]?["x-kubernetes-preserve-unknown-fields"] == .bool(true))
        let calico = api.send("GET", "/openapi/v3/apis/projectcalico.org/v3").json
        #expect(calico["components"]?["schemas"]?["org.projectcalico.v3.GlobalNetworkPolicy"] != nil)
        #expect(calico["paths"]?["/apis/projectcalico.org/v3/globalnetworkpolicies/{name}"]?["patch"] != nil)
        let core = api.send("GET", "/openapi/v3/api/v1").json
        #expect(core["components"]?["schemas"]?["io.k8s.api.core.v1.Pod"] != nil)
    }

    @Test func unknownFieldsUnderStrictFieldValidationAreRefusedAsTheAPIServerDoes() throws {
        let api = try APIHarness()
        api.send("POST", "/api/v1/namespaces", namespaceX)
        let typo =
            #"{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p"},"spec":{"podSelectr":{},"podSelector":{},"ingress":[{"fromm":[]}]}}"#
        let strict = api.send(
            "POST", "/apis/networking.k8s.io/v1/namespaces/x/networkpolicies?fieldValidation=Strict", typo,
            contentType: "application/json")
        #expect(strict.status == 400)
        #expect(strict.json["reason"] == "BadRequest")
        #expect(
            strict.json["message"]
                == #"NetworkPolicy in version "v1" cannot be handled as a NetworkPolicy: strict decoding error: unknown field "spec.podSelectr", unknown field "spec.ingress[0].fromm""#
        )
        #expect(strict.json["details"]?["causes"]?.arrayValue?.count == 2)

        let plain = api.send(
            "POST", "/apis/networking.k8s.io/v1/namespaces/x/networkpolicies", typo, contentType: "application/json")
        #expect(plain.status == 422)
        #expect(plain.json["reason"] == "Invalid")
        // Other faults are not unknown fields: Strict changes nothing for them.
        let invalid =
            #"{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p"},"spec":{"podSelector":{},"policyTypes":["Sideways"]}}"#
        let strictInvalid = api.send(
            "POST", "/apis/networking.k8s.io/v1/namespaces/x/networkpolicies?fieldValidation=Strict", invalid,
            contentType: "application/json")
        #expect(strictInvalid.status == 422)
    }

    @Test func discoveryRoutesHaveTheirOwnMetricLabels() {
        #expect(Router.routeLabel(["api"]) == "/api")
        #expect(Router.routeLabel(["apis", "apps", "v1"]) == "/apis/{group}/{version}")
        #expect(Router.routeLabel(["apis", "apps"]) == "/apis/{group}")
        #expect(Router.routeLabel(["openapi", "v3", "apis", "apps", "v1"]) == "/openapi/v3/{groupVersion}")
        #expect(Router.routeLabel(["api", "v1", "pods"]) == "/api/v1/pods")
    }
}
