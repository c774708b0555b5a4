import MicroHTTP
import PolicyAPI
import PolicyCore
import Testing
import YAMLReader

/// `kubectl get ... -o yaml` output as a cluster prints it: a `List` of 307 objects, each kind
/// sorted by namespace and name: Deployments, ReplicaSets, StatefulSets, DaemonSets, CronJobs, Jobs,
/// a ReplicationController, Pods (with managedFields, ownerReferences, status), Services,
/// NetworkPolicies, ConfigMaps, Secrets, ServiceAccounts, Events, RBAC, a custom resource and its
/// CRD, Nodes; Namespace objects for two of its seven namespaces. Written by
/// Fixtures/make-kubectl-dump.py.
func kubectlDump() throws -> String {
    let text = readFile(repositoryRoot + "/Tests/PolicyAPITests/Fixtures/kubectl-get-all.yaml")
    try #require(!text.isEmpty, "the fixture kubectl-get-all.yaml is missing")
    return text
}

/// A `multipart/form-data` body with one part per (filename, text), as `netpold apply -f DIR` sends it.
func multipart(_ files: [(String, String)], boundary: String = "b0undary", lineEnd: String = "\r\n") -> (String, String) {
    var body = ""
    for (name, text) in files {
        body += "--\(boundary)\(lineEnd)Content-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\(lineEnd)\(lineEnd)"
        body += text + lineEnd
    }
    body += "--\(boundary)--\(lineEnd)"
    return ("multipart/form-data; boundary=\(boundary)", body)
}

extension APIHarness {
    @discardableResult
    func importFiles(_ files: [(String, String)], query: String = "") -> (status: Int, json: JSONValue, text: String) {
        let (type, body) = multipart(files)
        return send("POST", "/v1/import" + query, body, contentType: type)
    }
}

func kinds(_ list: JSONValue?) -> [String] {
    (list?.arrayValue ?? []).compactMap { $0["kind"]?.stringValue }
}

@Suite struct SkippedKindsTests {
    @Test func kindsThatCannotChangeADecisionAreSkippedAndListed() throws {
        let api = try APIHarness()
        let bundle = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: x}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, namespace: x}
            data: {a: b}
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: api, namespace: x}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: reader}
            rules: []
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web, namespace: x}
            spec: {rules: []}
            ---
            apiVersion: cert-manager.io/v1
            kind: Certificate
            metadata: {name: web, namespace: x}
            spec: {secretName: web-tls}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: api, namespace: x}
            spec:
              replicas: 2
              selector: {matchLabels: {app: api}}
              template:
                metadata: {labels: {app: api}}
                spec: {containers: [{name: api, image: api:1}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: api, namespace: x}
            spec: {selector: {app: api}, ports: [{port: 80}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny, namespace: x}
            spec: {podSelector: {}}
            """
        let response = api.importYAML(bundle)
        #expect(response.status == 200, "\(response.text)")
        #expect(kinds(response.json["results"]) == ["Namespace", "NetworkPolicy", "Deployment", "Service"])
        let skipped = response.json["skipped"]?.arrayValue ?? []
        #expect(
            kinds(response.json["skipped"]) == [
                "ConfigMap", "ServiceAccount", "ClusterRole", "Ingress", "Certificate",
            ])
        #expect(
            skipped[0]
                == .object([
                    "kind": "ConfigMap", "apiVersion": "v1", "namespace": "x", "name": "settings",
                    "reason": "NoEffectOnDecisions",
                    "message": "ConfigMap does not affect network policy",
                ]))
        #expect(skipped[2]["namespace"] == nil)
        #expect(skipped[4]["message"]?.stringValue?.contains("custom resource of cert-manager.io") == true)
        #expect(response.json["warnings"] == .array([]))
        // Nothing skipped is stored: the export holds the namespace, the policy, the workload and the Service.
        let export = api.send("GET", "/v1/export", accept: "application/json")
        #expect(kinds(export.json["items"]) == ["Namespace", "NetworkPolicy", "Deployment", "Service"])
    }

    @Test func secretsAreNeverStoredNorEchoed() throws {
        let api = try APIHarness()
        let secret = """
            apiVersion: v1
            kind: Secret
            metadata: {name: db, namespace: x}
            type: Opaque
            data: {password: aHVudGVyMi1kby1ub3QtbGVhaw==}
            stringData: {token: plain-text-token-value}
            """
        let imported = api.importYAML(secret + "\n---\n" + podYAML("a", ip: "10.0.0.1"))
        #expect(imported.status == 200)
        #expect(kinds(imported.json["skipped"]) == ["Secret"])
        #expect(imported.json["skipped"]?[0]?["message"]?.stringValue?.contains("never stores") == true)
        let refused = api.importYAML(
            secret + "\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: x, labels: {a: 1}}\n")
        #expect(refused.status == 422)
        let export = api.send("GET", "/v1/export")
        for text in [imported.text, refused.text, export.text] {
            #expect(!text.contains("aHVudGVy") && !text.contains("plain-text-token-value"))
        }
        #expect(!export.text.contains("Secret"))
    }

    /// A `skipped` list of policy kinds of other products says so in the warnings.
    @Test func otherProductsPoliciesAreSkippedWithAWarning() throws {
        let api = try APIHarness()
        let response = api.importYAML(
            "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: a, namespace: x}\nspec: {}\n---\n"
                + "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: b, namespace: x}\nspec: {}\n")
        #expect(response.status == 200)
        let warning = response.json["warnings"]?[0]
        #expect(warning?["code"] == "KindSkipped" && warning?["severity"] == "warning")
        #expect(
            warning?["message"]?.stringValue?.hasPrefix("skipped 2 CiliumNetworkPolicy (cilium.io/v2): netpold decides") == true)
    }

    @Test(arguments: [
        ("networking.k8s.io/v1", "Foo", "no kind \"Foo\" is registered"),
        ("v1", "Namepsace", "no kind \"Namepsace\" is registered"),
        ("apps/v1", "Deploymnet", "no kind \"Deploymnet\" is registered"),
        (
            "projectcalico.org/v3", "NetworkSet",
            "NetworkSet (projectcalico.org/v3) can change decisions and netpold does not read it yet"
        ),
        ("projectcalico.org/v3", "GlobalNetworkSet", "can change decisions"),
        ("policy.networking.k8s.io/v1alpha1", "ClusterNetworkPolicy", "use policy.networking.k8s.io/v1alpha2"),
        ("crd.projectcalico.org/v1", "GlobalNetworkPolicy", "use projectcalico.org/v3"),
        ("extensions/v1beta1", "NetworkPolicy", "use networking.k8s.io/v1"),
    ])
    func unknownKindsOfTheGroupsThatDecideAreRefused(apiVersion: String, kind: String, message: String) throws {
        let api = try APIHarness()
        let response = api.importYAML(
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n---\napiVersion: \(apiVersion)\nkind: \(kind)\n"
                + "metadata: {name: a}\nspec: {}\n")
        #expect(response.status == 422, "\(response.text)")
        #expect(response.json["message"]?.stringValue?.contains(message) == true, "\(response.text)")
        #expect(response.json["message"]?.stringValue?.hasPrefix("document 1 (starting at line 5") == true)
        #expect(api.send("GET", "/api/v1/namespaces/x").status == 404)
    }

    /// Tiers, the network-policy-api kinds, staged policies and Nodes are read (and so stored), not refused or skipped.
    @Test(arguments: [
        "apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: security}\nspec: {order: 100}\n",
        "apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: kube-admin}\nspec: {order: 1000, defaultAction: Pass}\n",
        "apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata: {name: a}\n"
            + "spec: {tier: Admin, priority: 1, subject: {namespaces: {}}, ingress: [{action: Deny, from: [{namespaces: {}}]}]}\n",
        "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: a}\n"
            + "spec: {priority: 1, subject: {namespaces: {}}}\n",
        "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata: {name: default}\n"
            + "spec: {subject: {namespaces: {}}}\n",
        "apiVersion: projectcalico.org/v3\nkind: StagedGlobalNetworkPolicy\nmetadata: {name: a}\nspec: {stagedAction: Delete}\n",
        "apiVersion: projectcalico.org/v3\nkind: StagedNetworkPolicy\nmetadata: {name: a, namespace: x}\nspec: {selector: all()}\n",
        "apiVersion: projectcalico.org/v3\nkind: StagedKubernetesNetworkPolicy\nmetadata: {name: a, namespace: x}\n"
            + "spec: {podSelector: {}}\n",
        "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus: {addresses: [{type: InternalIP, address: 10.0.0.1}]}\n",
    ])
    func theKindsOfTiersAndNodesImport(yaml: String) throws {
        let api = try APIHarness()
        let response = api.importYAML("apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n---\n" + yaml)
        #expect(response.status == 200, "\(response.text)")
        #expect(response.json["results"]?.arrayValue?.count == 2, "\(response.text)")
        #expect(response.json["skipped"]?.arrayValue?.isEmpty != false, "\(response.text)")
    }

    @Test func aCalicoPolicyInATierImportsWithItsTier() throws {
        let api = try APIHarness()
        let response = api.importYAML(
            "apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: security}\nspec: {order: 100}\n---\n"
                + "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: security.a}\n"
                + "spec: {tier: security}\n")
        #expect(response.status == 200, "\(response.text)")
        #expect(kinds(response.json["results"]) == ["Tier", "GlobalNetworkPolicy"])
    }

    @Test func aCalicoPolicyNamingSomethingThatCannotBeATierIsRefused() throws {
        let api = try APIHarness()
        let response = api.importYAML(
            "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: a}\nspec: {tier: net.security}\n")
        #expect(response.status == 422)
        #expect(response.json["details"]?["causes"]?[0]?["field"] == .string("spec.tier"))
    }

    @Test(arguments: [
        ("just a string\n", "expected object"),
        ("- a\n- b\n", "expected object"),
        ("metadata: {name: a}\nspec: {}\n", "apiVersion"),
        ("apiVersion: v1\nmetadata: {name: a}\n", "kind"),
        ("apiVersion: v1\nkind: ConfigMap\nmetadata: [a]\n", "metadata"),
    ])
    func documentsThatAreNotKubernetesObjectsStillFailWithTheirPlace(yaml: String, field: String) throws {
        let api = try APIHarness()
        let response = api.importYAML("apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n---\n# a comment\n" + yaml)
        #expect(response.status == 422, "\(response.text)")
        let message = response.json["message"]?.stringValue ?? ""
        #expect(message.hasPrefix("document 1 (starting at line 6"), "\(message)")
        #expect(message.contains(field), "\(message)")
    }
}

func podYAML(_ name: String, namespace: String = "x", ip: String, labels: String = "{app: web}") -> String {
    """
    apiVersion: v1
    kind: Pod
    metadata: {name: \(name), namespace: \(namespace), labels: \(labels)}
    spec: {containers: [{name: c, image: nginx}]}
    status: {podIP: \(ip)}
    """
}

@Suite struct ImpliedNamespaceTests {
    @Test func namespacesObjectsNameAreCreatedWithTheirNameLabelAndAWarning() throws {
        let api = try APIHarness()
        let response = api.importYAML(podYAML("a", ip: "10.0.0.1") + "\n---\n" + podYAML("b", namespace: "y", ip: "10.0.0.2"))
        #expect(response.status == 200, "\(response.text)")
        let results = response.json["results"]?.arrayValue ?? []
        #expect(
            results.first
                == .object(["kind": "Namespace", "apiVersion": "v1", "name": "x", "action": "created", "implied": .bool(true)]))
        #expect(results.map { $0["implied"] != nil } == [true, true, false, false])
        let namespace = api.send("GET", "/api/v1/namespaces/y").json
        #expect(namespace["metadata"]?["labels"] == .object(["kubernetes.io/metadata.name": "y"]))
        #expect(response.json["warnings"]?[0]?["code"] == "NamespaceImplied")
        let warning = response.json["warnings"]?[0]?["message"]?.stringValue ?? ""
        #expect(warning.hasPrefix("namespaces x, y are not in the bundle"), "\(warning)")
        #expect(warning.contains("namespaceSelectors that use other labels will not select them"))
        // Once stored, a namespace is simply there: no implied entry, no warning.
        let again = api.importYAML(podYAML("c", ip: "10.0.0.3"))
        #expect(kinds(again.json["results"]) == ["Pod"])
        #expect(again.json["warnings"] == .array([]))
    }

    @Test func aNamespaceInTheBundleIsNotImplied() throws {
        let api = try APIHarness()
        let response = api.importYAML(
            podYAML("a", ip: "10.0.0.1") + "\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n")
        #expect(response.json["results"]?.arrayValue?.allSatisfy { $0["implied"] == nil } == true)
        #expect(response.json["warnings"] == .array([]))
    }

    @Test func createNamespacesFalseIsKubernetesStrictBehaviour() throws {
        let api = try APIHarness()
        let response = api.importYAML(podYAML("a", ip: "10.0.0.1"), extra: "&createNamespaces=false")
        #expect(response.status == 404)
        #expect(response.json["details"]?["kind"] == .string("Namespace"))
        #expect(api.send("GET", "/api/v1/namespaces/x").status == 404)
        #expect(api.importYAML(podYAML("a", ip: "10.0.0.1"), extra: "&createNamespaces=maybe").status == 400)
    }

    @Test func aDryRunReportsImpliedNamespacesAndKeepsNothing() throws {
        let api = try APIHarness()
        let response = api.importYAML(podYAML("a", ip: "10.0.0.1"), extra: "&dryRun=true")
        #expect(response.json["results"]?[0]?["implied"] == .bool(true))
        #expect(api.send("GET", "/api/v1/namespaces/x").status == 404)
    }

    @Test func replaceKeepsAStoredImpliedNamespaceAsItIsAndDeletesTheRest() throws {
        let api = try APIHarness()
        api.send("POST", "/api/v1/namespaces", namespaceX)  // labelled team=a
        api.send("POST", "/api/v1/namespaces/x/pods", podJSON("old", ip: "10.0.0.9"))
        api.send("POST", "/api/v1/namespaces", #"{"metadata":{"name":"gone"}}"#)
        let response = api.importYAML(
            podYAML("a", ip: "10.0.0.1") + "\n---\n" + podYAML("b", namespace: "fresh", ip: "10.0.0.2"), mode: "replace")
        #expect(response.status == 200, "\(response.text)")
        let actions = (response.json["results"]?.arrayValue ?? []).map {
            "\($0["kind"]?.stringValue ?? "")/\($0["name"]?.stringValue ?? "") \($0["action"]?.stringValue ?? "")"
                + ($0["implied"] == .bool(true) ? " (implied)" : "")
        }
        #expect(
            actions == [
                "Namespace/fresh created (implied)", "Namespace/x unchanged (implied)", "Pod/a created", "Pod/b created",
                "Pod/old deleted", "Namespace/gone deleted",
            ])
        #expect(api.send("GET", "/api/v1/namespaces/x").json["metadata"]?["labels"]?["team"] == .string("a"))
        #expect(api.send("GET", "/api/v1/namespaces/fresh").status == 200)
        // Strict, replace refuses a namespace the bundle lacks, stored or not.
        #expect(api.importYAML(podYAML("a", ip: "10.0.0.1"), mode: "replace", extra: "&createNamespaces=false").status == 404)
    }
}

@Suite struct NamespaceParameterTests {
    @Test func aDocumentInAnotherNamespaceThanTheParameterIsRefused() throws {
        let api = try APIHarness()
        let bundle = podYAML("a", namespace: "a", ip: "10.0.0.1") + "\n---\n" + podYAML("b", namespace: "b", ip: "10.0.0.2")
        let response = api.importYAML(bundle, extra: "&namespace=a")
        #expect(response.status == 400)
        let message = response.json["message"]?.stringValue ?? ""
        #expect(message.hasPrefix("document 1 (line 7): the namespace from the provided object \"b\""), "\(message)")
        #expect(message.contains("does not match the namespace \"a\""))
        #expect(api.send("GET", "/api/v1/namespaces/a").status == 404)
        // The same namespace, or none, is fine.
        let fine = api.importYAML(
            podYAML("a", namespace: "a", ip: "10.0.0.1") + "\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\n",
            extra: "&namespace=a")
        #expect(fine.status == 200, "\(fine.text)")
        #expect(api.send("GET", "/api/v1/namespaces/a/pods/b").status == 200)
    }

    @Test func skippedDocumentsInAnotherNamespaceAreRefusedToo() throws {
        let api = try APIHarness()
        let response = api.importYAML(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: b}\n", extra: "&namespace=a")
        #expect(response.status == 400)
    }
}

@Suite struct DumpTests {
    func importedDump(_ api: APIHarness) throws -> (status: Int, json: JSONValue, text: String) {
        api.importYAML(try kubectlDump())
    }

    @Test func aKubectlGetAllDumpImportsAndDecides() throws {
        let api = try APIHarness()
        let response = try importedDump(api)
        #expect(response.status == 200, "\(response.text)")
        let results = response.json["results"]?.arrayValue ?? []
        #expect(
            results.filter { $0["implied"] == .bool(true) }.compactMap { $0["name"]?.stringValue } == [
                "catalog", "kube-system", "legacy", "payments", "shop",
            ])
        #expect(kinds(response.json["results"]).filter { $0 == "Pod" }.count == 46)
        #expect(kinds(response.json["results"]).filter { $0 == "NetworkPolicy" }.count == 18)
        var skipped: [String: Int] = [:]
        for object in response.json["skipped"]?.arrayValue ?? [] { skipped[object["reason"]?.stringValue ?? "", default: 0] += 1 }
        #expect(skipped == ["NoEffectOnDecisions": 182])
        #expect(kinds(response.json["results"]).filter { $0 == "Node" }.count == 4)
        // Pods kept their owner references and status as given.
        let pod = api.send("GET", "/api/v1/namespaces/shop/pods/redis-0").json
        #expect(pod["metadata"]?["ownerReferences"]?[0]?["kind"] == .string("StatefulSet"))
        #expect(pod["status"]?["phase"] == .string("Running"))

        // frontend -> api on its named port; api -> redis; shop's api -> payments' ledger.
        let frontend = "192.168.0.10"
        let api1 = "192.168.0.12"
        #expect(api.send("GET", "/v1/decide?from=\(frontend)&to=\(api1)&port=8080").json["allowed"] == .bool(true))
        #expect(api.send("GET", "/v1/decide?from=\(frontend)&to=\(api1)&port=9090").json["allowed"] == .bool(false))
        #expect(api.send("GET", "/v1/decide?from=\(frontend)&to=shop/redis-0&port=6379").json["allowed"] == .bool(false))
        #expect(api.send("GET", "/v1/decide?from=\(api1)&to=shop/redis-0&port=6379").json["allowed"] == .bool(true))
        #expect(api.send("GET", "/v1/decide?from=\(api1)&to=192.168.0.14&port=7000").json["allowed"] == .bool(true))
        #expect(api.send("GET", "/v1/decide?from=\(frontend)&to=192.168.0.14&port=7000").json["allowed"] == .bool(false))

        // No Secret reached the store or the answer.
        let export = api.send("GET", "/v1/export")
        for text in [response.text, export.text] {
            #expect(!text.contains("aHVudGVyMi1kby1ub3QtbGVhaw==") && !text.contains("c2hvcC1hcGk="))
        }
        // Importing it again changes nothing.
        let again = try importedDump(api)
        #expect(again.json["results"]?.arrayValue?.allSatisfy { $0["action"] == .string("unchanged") } == true, "\(again.text)")
    }

    @Test func theSameDumpAsJSONImportsAlike() throws {
        let api = try APIHarness()
        let document = try YAMLStreamReader.documents(try kubectlDump())[0].value
        let response = api.send("POST", "/v1/import", JSONWriter.string(document), contentType: "application/json")
        #expect(response.status == 200, "\(response.text)")
        #expect(response.json["results"]?.arrayValue?.count == 130)
        #expect(response.json["skipped"]?.arrayValue?.count == 182)
    }

    @Test func anErrorInADumpNamesTheItemAndItsLine() throws {
        let api = try APIHarness()
        let dump = try kubectlDump().replacing("      - containerPort: 6379", with: "      - containerPort: 0")
        let response = api.importYAML(dump)
        #expect(response.status == 422)
        let cause = response.json["details"]?["causes"]?[0]?["message"]?.stringValue ?? ""
        let line =
            dump.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasSuffix("- containerPort: 0") }! + 1
        #expect(cause.hasPrefix("document 0, items["), "\(cause)")
        #expect(cause.contains("], line \(line): "), "\(cause)")
    }

    /// `helm template` prints each template after a `---` and a `# Source:` comment; templates that
    /// render nothing leave a document of comments only. Namespaces come from `-n`.
    @Test func helmTemplateOutputImports() throws {
        let api = try APIHarness()
        let stream = """
            ---
            # Source: shop/templates/serviceaccount.yaml
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: shop-api
              labels:
                helm.sh/chart: shop-0.3.1
                app.kubernetes.io/managed-by: Helm
            ---
            # Source: shop/templates/secret.yaml
            apiVersion: v1
            kind: Secret
            metadata:
              name: shop-api
            type: Opaque
            data:
              password: "aHVudGVyMg=="
            ---
            # Source: shop/templates/hpa.yaml
            # (disabled: autoscaling.enabled=false)
            ---
            # Source: shop/templates/service.yaml
            apiVersion: v1
            kind: Service
            metadata:
              name: shop-api
            spec:
              type: ClusterIP
              ports:
                - port: 8080
                  targetPort: http
              selector:
                app.kubernetes.io/name: shop-api
            ---
            # Source: shop/templates/deployment.yaml
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: shop-api
            spec:
              replicas: 2
              selector:
                matchLabels:
                  app.kubernetes.io/name: shop-api
              template:
                metadata:
                  labels:
                    app.kubernetes.io/name: shop-api
                spec:
                  containers:
                    - name: api
                      image: "registry.example/shop/api:1.9.0"
                      ports:
                        - name: http
                          containerPort: 8080
            ---
            # Source: shop/templates/networkpolicy.yaml
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: shop-api
            spec:
              podSelector:
                matchLabels:
                  app.kubernetes.io/name: shop-api
              policyTypes: [Ingress]
              ingress:
                - from:
                    - podSelector:
                        matchLabels:
                          app.kubernetes.io/name: shop-web
                  ports:
                    - port: http
            ---
            # Source: shop/templates/tests/test-connection.yaml
            apiVersion: v1
            kind: Pod
            metadata:
              name: "shop-test-connection"
              annotations:
                "helm.sh/hook": test
            spec:
              containers:
                - name: wget
                  image: busybox
                  command: ['wget']
                  args: ['shop-api:8080']
              restartPolicy: Never
            """
        let response = api.importYAML(stream, extra: "&namespace=shop")
        #expect(response.status == 200, "\(response.text)")
        let results = (response.json["results"]?.arrayValue ?? []).map {
            "\($0["kind"]?.stringValue ?? "") \($0["namespace"]?.stringValue ?? "")/\($0["name"]?.stringValue ?? "")"
        }
        #expect(
            results == [
                "Namespace /shop", "Pod shop/shop-test-connection", "NetworkPolicy shop/shop-api", "Deployment shop/shop-api",
                "Service shop/shop-api",
            ])
        #expect(kinds(response.json["skipped"]) == ["ServiceAccount", "Secret"])
        #expect(!response.text.contains("aHVudGVyMg=="))
    }

    /// `kustomize build` prints plain documents, keys sorted, separated by `---`.
    @Test func kustomizeBuildOutputImports() throws {
        let api = try APIHarness()
        let stream = """
            apiVersion: v1
            kind: Namespace
            metadata:
              labels:
                team: payments
              name: payments
            ---
            apiVersion: v1
            data:
              LOG_LEVEL: info
            kind: ConfigMap
            metadata:
              name: ledger-config-7g2h9k5d4m
              namespace: payments
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              labels:
                app: ledger
              name: ledger
              namespace: payments
            spec:
              ingress:
              - from:
                - namespaceSelector:
                    matchLabels:
                      team: shop
              podSelector:
                matchLabels:
                  app: ledger
            """
        let response = api.importYAML(stream)
        #expect(response.status == 200, "\(response.text)")
        #expect(kinds(response.json["results"]) == ["Namespace", "NetworkPolicy"])
        #expect(kinds(response.json["skipped"]) == ["ConfigMap"])
    }
}

@Suite struct MultipartImportTests {
    static let api14 = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: x}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: c, namespace: x}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: api, namespace: x}
        spec:
          podSelector: {}
          ingress: [{ports: [{port: 70000}]}]
        """

    @Test func errorsNameTheFileTheDocumentAndTheLine() throws {
        let api = try APIHarness()
        let response = api.importFiles([("deploy/a.yaml", podYAML("a", ip: "10.0.0.1")), ("deploy/api.yaml", Self.api14)])
        #expect(response.status == 422)
        let message = response.json["message"]?.stringValue ?? ""
        #expect(message.hasPrefix("deploy/api.yaml, document 2 (starting at line 9, error at line 14): "), "\(message)")
        let cause = response.json["details"]?["causes"]?[0]?["message"]?.stringValue ?? ""
        #expect(cause.hasPrefix("deploy/api.yaml, document 2, line 14: "), "\(cause)")
        #expect(api.send("GET", "/api/v1/namespaces/x").status == 404)
    }

    @Test func filesImportAsOneAtomicBundle() throws {
        let api = try APIHarness()
        let fixed = Self.api14.replacing("70000", with: "7000")
        let response = api.importFiles([("deploy/b/pod.yaml", podYAML("a", ip: "10.0.0.1")), ("deploy/api.yaml", fixed)])
        #expect(response.status == 200, "\(response.text)")
        #expect(kinds(response.json["results"]) == ["Namespace", "Pod", "NetworkPolicy"])
        #expect(response.json["results"]?[0]?["implied"] == nil)
        #expect(kinds(response.json["skipped"]) == ["ConfigMap"])
    }

    @Test func aYAMLSyntaxErrorNamesTheFile() throws {
        let api = try APIHarness()
        let response = api.importFiles([("a.yaml", podYAML("a", ip: "10.0.0.1")), ("b.yml", "a: 1\n---\nkind: [unclosed\n")])
        #expect(response.status == 400)
        #expect(response.json["message"]?.stringValue?.hasPrefix("b.yml: YAML document 1, line ") == true, "\(response.text)")
    }

    @Test func anObjectTwiceNamesBothFiles() throws {
        let api = try APIHarness()
        let response = api.importFiles([
            ("a.yaml", podYAML("a", ip: "10.0.0.1")), ("b.yaml", "---\n" + podYAML("a", ip: "10.0.0.1")),
        ])
        #expect(response.status == 400)
        #expect(
            response.json["message"]?.stringValue?.hasPrefix("b.yaml, document 0 repeats pod/x/a (first at a.yaml, document 0)")
                == true)
    }

    @Test func jsonFilesAreReadAsJSONAndNamed() throws {
        let api = try APIHarness()
        let list =
            #"{"kind":"List","apiVersion":"v1","items":[\#(namespaceX),{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"x","labels":{"a":1}}}]}"#
        let response = api.importFiles([("dump.json", list)])
        #expect(response.status == 422)
        #expect(
            response.json["message"]?.stringValue?.hasPrefix("dump.json, document 0, items[1]: Pod \"p\" is invalid") == true,
            "\(response.text)")
        let plain = api.send("POST", "/v1/import", list, contentType: "application/json")
        #expect(
            plain.json["message"]?.stringValue?.hasPrefix("document 0, items[1]: Pod \"p\" is invalid") == true, "\(plain.text)")
        #expect(
            api.importFiles([("bad.json", "{nope")]).json["message"]?.stringValue?.hasPrefix("bad.json is not valid JSON") == true
        )
    }

    /// Without a filename, a part is named by its form field name.
    @Test func curlStylePartsWithAPreambleBareLineFeedsAndNoFilenameRead() throws {
        let api = try APIHarness()
        let boundary = "------------------------d74496d66958873e"
        let (type, body) = multipart([("", podYAML("a", ip: "10.0.0.1"))], boundary: boundary, lineEnd: "\n")
        let unnamed = "preamble\n" + body.replacing("; filename=\"\"", with: "")
        let response = api.send("POST", "/v1/import", unnamed, contentType: type)
        #expect(response.status == 200, "\(response.text)")
        let bad = api.send("POST", "/v1/import", unnamed.replacing("10.0.0.1", with: "10.0.0.300"), contentType: type)
        #expect(
            bad.json["message"]?.stringValue?.hasPrefix("file, document 0 (starting at line 1, error at line 5)") == true,
            "\(bad.text)")
    }

    @Test(arguments: [
        ("multipart/form-data", "--x\r\n\r\na: 1\r\n--x--\r\n"),
        ("multipart/form-data; boundary=x", "no boundary in here"),
        ("multipart/form-data; boundary=x", "--x\r\nContent-Type: application/yaml\r\n\r\nkind: Namespace\r\n"),
        ("multipart/form-data; boundary=x", "--x\r\nContent-Type: application/yaml\r\n--x--\r\n"),
        ("multipart/form-data; boundary=x", "--x\r\nContent-Type: image/png\r\n\r\nPNG\r\n--x--\r\n"),
    ])
    func malformedMultipartBodiesAre4xx(contentType: String, body: String) throws {
        let response = try APIHarness().send("POST", "/v1/import", body, contentType: contentType)
        #expect([400, 415].contains(response.status), "\(response.text)")
        #expect(response.json["kind"] == .string("Status"))
    }

    @Test func multipartIsForImportsOnly() throws {
        let (type, body) = multipart([("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")])
        #expect(try APIHarness().send("POST", "/api/v1/namespaces", body, contentType: type).status == 415)
    }

    @Test func anImportTakesAtMostTenThousandFiles() throws {
        let files = (0...10_000).map { ("f\($0).yaml", "") }
        let response = try APIHarness().importFiles(files)
        #expect(response.status == 400)
        #expect(response.json["message"] == .string("an import takes at most 10000 files"))
    }

    @Test func theFilesShareOneYAMLNodeBudget() throws {
        let api = try APIHarness()
        let bomb = aliasBomb(levels: 6, width: 10)
        // One file alone stays within the budget (and then is no Kubernetes object).
        #expect(api.importFiles([("one.yaml", bomb)]).status == 422)
        let both = api.importFiles([("one.yaml", bomb), ("two.yaml", bomb)])
        #expect(both.status == 400)
        #expect(both.json["message"]?.stringValue?.hasPrefix("two.yaml: YAML document 0") == true, "\(both.text)")
        #expect(both.json["message"]?.stringValue?.contains("expands to more than") == true)
    }
}

extension JSONValue {
    /// An element of an array, nil when out of range or not an array.
    subscript(_ index: Int) -> JSONValue? {
        guard let elements = arrayValue, elements.indices.contains(index) else { return nil }
        return elements[index]
    }
}
