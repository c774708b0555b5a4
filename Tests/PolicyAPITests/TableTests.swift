import PolicyCore
import Testing

@testable import PolicyAPI

/// The Accept header `kubectl get` sends.
let tableAccept =
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"

/// One object of every kind netpold stores, in the namespace `x`.
let everyKindBundle = """
    apiVersion: v1
    kind: Namespace
    metadata: {name: x}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: web-1, namespace: x, labels: {app: web}}
    spec: {containers: [{name: c, image: nginx}]}
    status: {podIP: 10.0.0.1}
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: np, namespace: x}
    spec: {podSelector: {matchLabels: {app: web}}}
    ---
    apiVersion: projectcalico.org/v3
    kind: Tier
    metadata: {name: security}
    spec: {order: 100, defaultAction: Pass}
    ---
    apiVersion: projectcalico.org/v3
    kind: GlobalNetworkPolicy
    metadata: {name: security.gnp}
    spec: {tier: security, order: 10, selector: app == 'web', types: [Ingress]}
    ---
    apiVersion: projectcalico.org/v3
    kind: NetworkPolicy
    metadata: {name: cnp, namespace: x}
    spec: {order: 2.5}
    ---
    apiVersion: projectcalico.org/v3
    kind: StagedGlobalNetworkPolicy
    metadata: {name: sgnp}
    spec: {stagedAction: Delete}
    ---
    apiVersion: projectcalico.org/v3
    kind: StagedNetworkPolicy
    metadata: {name: snp, namespace: x}
    spec: {selector: all()}
    ---
    apiVersion: projectcalico.org/v3
    kind: StagedKubernetesNetworkPolicy
    metadata: {name: sknp, namespace: x}
    spec: {podSelector: {}}
    ---
    apiVersion: policy.networking.k8s.io/v1alpha2
    kind: ClusterNetworkPolicy
    metadata: {name: admin}
    spec: {tier: Admin, priority: 10, subject: {namespaces: {}}, ingress: [{action: Deny, from: [{namespaces: {}}]}]}
    ---
    apiVersion: policy.networking.k8s.io/v1alpha1
    kind: AdminNetworkPolicy
    metadata: {name: anp}
    spec: {priority: 7, subject: {namespaces: {}}}
    ---
    apiVersion: policy.networking.k8s.io/v1alpha1
    kind: BaselineAdminNetworkPolicy
    metadata: {name: default}
    spec: {subject: {namespaces: {}}}
    ---
    apiVersion: v1
    kind: Node
    metadata: {name: n1, labels: {node-role.kubernetes.io/control-plane: ""}}
    status: {addresses: [{type: InternalIP, address: 10.1.0.1}], conditions: [{type: Ready, status: "True"}]}
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: api, namespace: x}
    spec:
      replicas: 3
      selector: {matchLabels: {app: api}}
      template: {metadata: {labels: {app: api}}, spec: {containers: [{name: api, image: api:1}, {name: proxy, image: envoy}]}}
    status: {readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2}
    ---
    apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: db, namespace: x}
    spec:
      selector: {matchLabels: {app: db}}
      template: {metadata: {labels: {app: db}}, spec: {containers: [{name: pg, image: postgres}]}}
    ---
    apiVersion: apps/v1
    kind: DaemonSet
    metadata: {name: agent, namespace: x}
    spec:
      selector: {matchLabels: {app: agent}}
      template: {metadata: {labels: {app: agent}}, spec: {nodeSelector: {os: linux}, containers: [{name: a, image: agent}]}}
    status: {desiredNumberScheduled: 4, currentNumberScheduled: 4, numberReady: 3, updatedNumberScheduled: 4, numberAvailable: 3}
    ---
    apiVersion: apps/v1
    kind: ReplicaSet
    metadata: {name: api-5d9f, namespace: x}
    spec:
      replicas: 2
      selector: {matchLabels: {app: api}}
      template: {metadata: {labels: {app: api}}, spec: {containers: [{name: api, image: api:1}]}}
    status: {replicas: 2, readyReplicas: 1}
    ---
    apiVersion: batch/v1
    kind: Job
    metadata: {name: migrate, namespace: x}
    spec: {template: {metadata: {labels: {app: migrate}}, spec: {restartPolicy: Never, containers: [{name: m, image: tool}]}}}
    status: {succeeded: 1, conditions: [{type: Complete, status: "True"}]}
    ---
    apiVersion: batch/v1
    kind: CronJob
    metadata: {name: sweep, namespace: x}
    spec:
      schedule: "*/5 * * * *"
      jobTemplate: {spec: {template: {metadata: {labels: {app: sweep}}, spec: {restartPolicy: Never, containers: [{name: s, image: tool}]}}}}
    ---
    apiVersion: v1
    kind: ReplicationController
    metadata: {name: legacy, namespace: x}
    spec:
      replicas: 2
      selector: {app: legacy}
      template: {metadata: {labels: {app: legacy}}, spec: {containers: [{name: l, image: old}]}}
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: web, namespace: x}
    spec: {clusterIP: 10.96.0.10, selector: {app: web}, ports: [{name: http, port: 80}, {name: https, port: 443, protocol: TCP, nodePort: 30443}], type: NodePort}

    """

/// Tables as `kubectl get` asks for them, for every kind, and the cells computed as the API server's printers compute them.
@Suite struct TableTests {
    private func names(_ table: JSONValue) -> [String] {
        (table["columnDefinitions"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
    }

    private func cells(_ table: JSONValue, row: Int = 0) -> [JSONValue] {
        table["rows"]?.arrayValue?[row]["cells"]?.arrayValue ?? []
    }

    /// The cells without the Age column, which depends on the clock.
    private func cellsWithoutAge(_ table: JSONValue, row: Int = 0) -> [JSONValue] {
        let age = names(table).firstIndex(of: "Age")
        return cells(table, row: row).enumerated().filter { $0.offset != age }.map(\.element)
    }

    private func everyKind() throws -> APIHarness {
        let api = try APIHarness()
        let imported = api.importYAML(everyKindBundle)
        #expect(imported.status == 200, "\(imported.text)")
        return api
    }

    private func collection(_ kind: ResourceKind) -> String {
        let prefix = kind.group.isEmpty ? "/api/v1" : "/apis/\(kind.group)/\(kind.version)"
        return prefix + (kind.isNamespaced ? "/namespaces/x/" : "/") + kind.plural
    }

    @Test func everyKindAnswersATableWithOneCellPerColumnAndNameFirst() throws {
        let api = try everyKind()
        for kind in ResourceKind.allCases {
            let table = api.send("GET", collection(kind), accept: tableAccept)
            #expect(table.status == 200, "\(kind): \(table.text)")
            #expect(table.json["kind"] == "Table")
            #expect(table.json["apiVersion"] == "meta.k8s.io/v1")
            let columns = names(table.json)
            #expect(columns.first == "Name", "\(kind)")
            #expect(columns.contains("Age"), "\(kind)")
            let rows = table.json["rows"]?.arrayValue ?? []
            #expect(rows.count == 1, "\(kind)")
            #expect(cells(table.json).count == columns.count, "\(kind): \(columns) \(cells(table.json))")
            let object = rows.first?["object"]
            #expect(object?["kind"] == "PartialObjectMetadata", "\(kind)")
            #expect(object?["apiVersion"] == "meta.k8s.io/v1")
            #expect(object?["metadata"]?["name"] == cells(table.json).first, "\(kind)")
            #expect(table.json["metadata"]?["resourceVersion"]?.stringValue != nil)
        }
    }

    @Test func theKubernetesKindsHaveTheAPIServersColumns() throws {
        let api = try everyKind()
        func columns(_ kind: ResourceKind) -> [String] {
            let table = api.send("GET", collection(kind), accept: tableAccept).json
            return (table["columnDefinitions"]?.arrayValue ?? []).map {
                ($0["name"]?.stringValue ?? "") + (($0["priority"]?.integerValue ?? 0) > 0 ? "*" : "")
            }
        }
        #expect(columns(.namespace) == ["Name", "Status", "Age"])
        #expect(
            columns(.pod) == [
                "Name", "Ready", "Status", "Restarts", "Age", "IP*", "Node*", "Nominated Node*", "Readiness Gates*",
            ])
        #expect(columns(.networkPolicy) == ["Name", "Pod-Selector", "Age"])
        #expect(columns(.service) == ["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector*"])
        #expect(
            columns(.deployment) == ["Name", "Ready", "Up-to-date", "Available", "Age", "Containers*", "Images*", "Selector*"])
        #expect(columns(.statefulSet) == ["Name", "Ready", "Age", "Containers*", "Images*"])
        #expect(
            columns(.daemonSet)
                == [
                    "Name", "Desired", "Current", "Ready", "Up-to-date", "Available", "Node Selector", "Age", "Containers*",
                    "Images*",
                    "Selector*",
                ])
        #expect(columns(.replicaSet) == ["Name", "Desired", "Current", "Ready", "Age", "Containers*", "Images*", "Selector*"])
        #expect(columns(.replicationController) == columns(.replicaSet))
        #expect(columns(.job) == ["Name", "Status", "Completions", "Duration", "Age", "Containers*", "Images*", "Selector*"])
        #expect(
            columns(.cronJob)
                == [
                    "Name", "Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age", "Containers*", "Images*",
                    "Selector*",
                ])
        #expect(
            columns(.node)
                == [
                    "Name", "Status", "Roles", "Age", "Version", "Internal-IP*", "External-IP*", "OS-Image*", "Kernel-Version*",
                    "Container-Runtime*",
                ])
        #expect(columns(.clusterNetworkPolicy) == ["Name", "Tier", "Priority", "Age"])
        #expect(columns(.adminNetworkPolicy) == ["Name", "Priority", "Age"])
        #expect(columns(.baselineAdminNetworkPolicy) == ["Name", "Age"])
        #expect(columns(.globalNetworkPolicy) == ["Name", "Order", "Selector", "Age", "Tier*", "Types*"])
        #expect(columns(.tier) == ["Name", "Order", "Default-Action", "Age"])
    }

    @Test func cellsOfEachFamily() throws {
        let api = try everyKind()
        func row(_ kind: ResourceKind) -> [JSONValue] {
            cellsWithoutAge(api.send("GET", collection(kind), accept: tableAccept).json)
        }
        #expect(row(.namespace) == ["x", "Active"])
        #expect(row(.pod) == ["web-1", "0/1", "Pending", "0", "10.0.0.1", "<none>", "<none>", "<none>"])
        #expect(row(.networkPolicy) == ["np", "app=web"])
        #expect(
            row(.service) == ["web", "NodePort", "10.96.0.10", "<none>", "80/TCP,443:30443/TCP", "app=web"])
        #expect(row(.deployment) == ["api", "2/3", .integer(3), .integer(2), "api,proxy", "api:1,envoy", "app=api"])
        #expect(row(.statefulSet) == ["db", "0/1", "pg", "postgres"])
        #expect(
            row(.daemonSet)
                == [
                    "agent", .integer(4), .integer(4), .integer(3), .integer(4), .integer(3), "os=linux", "a", "agent",
                    "app=agent",
                ])
        #expect(row(.replicaSet) == ["api-5d9f", .integer(2), .integer(2), .integer(1), "api", "api:1", "app=api"])
        #expect(row(.replicationController) == ["legacy", .integer(2), .integer(0), .integer(0), "l", "old", "app=legacy"])
        #expect(row(.job) == ["migrate", "Complete", "1/1", "", "m", "tool", "<none>"])
        #expect(row(.cronJob) == ["sweep", "*/5 * * * *", "<none>", "False", .integer(0), "<none>", "s", "tool", "<none>"])
        #expect(row(.node) == ["n1", "Ready", "control-plane", "", "10.1.0.1", "<none>", "<unknown>", "<unknown>", "<unknown>"])
        #expect(row(.clusterNetworkPolicy) == ["admin", "Admin", "10"])
        #expect(row(.adminNetworkPolicy) == ["anp", "7"])
        #expect(row(.baselineAdminNetworkPolicy) == ["default"])
        #expect(row(.globalNetworkPolicy) == ["security.gnp", .integer(10), "app == 'web'", "security", "Ingress"])
        #expect(row(.calicoNetworkPolicy) == ["cnp", .double(2.5), "all()", "default", "Ingress"])
        #expect(row(.stagedGlobalNetworkPolicy) == ["sgnp", .null, "all()", "default", "<none>", "Delete"])
        #expect(row(.stagedKubernetesNetworkPolicy) == ["sknp", "<none>", "Set"])
        #expect(row(.tier) == ["security", .integer(100), "Pass"])
    }

    @Test func oneObjectIsATableOfOneRowAtItsResourceVersion() throws {
        let api = try everyKind()
        let object = api.send("GET", "/api/v1/namespaces/x/pods/web-1")
        let table = api.send("GET", "/api/v1/namespaces/x/pods/web-1", accept: tableAccept)
        #expect(table.status == 200)
        #expect(table.json["rows"]?.arrayValue?.count == 1)
        #expect(table.json["metadata"]?["resourceVersion"] == object.json["metadata"]?["resourceVersion"])
        #expect(table.json["rows"]?.arrayValue?.first?["object"]?["metadata"]?["namespace"] == "x")
        #expect(api.send("GET", "/api/v1/namespaces/x/pods/nope", accept: tableAccept).status == 404)
    }

    @Test func includeObjectAndVersionsAndMetadataOnlyAnswers() throws {
        let api = try everyKind()
        let full = api.send("GET", "/api/v1/namespaces/x/pods?includeObject=Object", accept: tableAccept).json
        #expect(full["rows"]?.arrayValue?.first?["object"]?["kind"] == "Pod")
        #expect(full["rows"]?.arrayValue?.first?["object"]?["status"]?["podIP"] == "10.0.0.1")
        let bare = api.send("GET", "/api/v1/namespaces/x/pods?includeObject=None", accept: tableAccept).json
        #expect(bare["rows"]?.arrayValue?.first?["object"] == nil)
        #expect(api.send("GET", "/api/v1/namespaces/x/pods?includeObject=Everything", accept: tableAccept).status == 400)

        let beta = api.send("GET", "/api/v1/pods", accept: "application/json;as=Table;v=v1beta1;g=meta.k8s.io").json
        #expect(beta["apiVersion"] == "meta.k8s.io/v1beta1")
        #expect(beta["rows"]?.arrayValue?.first?["object"]?["apiVersion"] == "meta.k8s.io/v1beta1")

        let partial = api.send(
            "GET", "/api/v1/pods", accept: "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json")
        #expect(partial.json["kind"] == "PartialObjectMetadataList")
        #expect(partial.json["items"]?.arrayValue?.first?["metadata"]?["name"] == "web-1")
        #expect(partial.json["items"]?.arrayValue?.first?["spec"] == nil)

        let plain = api.send("GET", "/api/v1/pods", accept: "application/json")
        #expect(plain.json["kind"] == "PodList")
        let refused = api.send("GET", "/api/v1/pods", accept: "application/json;as=Table;v=v2;g=meta.k8s.io")
        #expect(refused.status == 406)
        #expect(refused.json["reason"] == "NotAcceptable")
    }

    @Test func tablesKeepLabelSelectorsAndPages() throws {
        let api = try everyKind()
        for name in ["web-2", "web-3"] {
            api.send("POST", "/api/v1/namespaces/x/pods", podJSON(name, ip: "10.0.0.\(name.last!)", labels: #"{"app":"other"}"#))
        }
        let first = api.send("GET", "/api/v1/namespaces/x/pods?limit=2", accept: tableAccept).json
        #expect(first["rows"]?.arrayValue?.count == 2)
        let token = try #require(first["metadata"]?["continue"]?.stringValue)
        let rest = api.send("GET", "/api/v1/namespaces/x/pods?limit=2&continue=\(token)", accept: tableAccept).json
        #expect(rest["rows"]?.arrayValue?.compactMap { $0["cells"]?.arrayValue?.first?.stringValue } == ["web-3"])
        let selected = api.send("GET", "/api/v1/namespaces/x/pods?labelSelector=app%3Dother", accept: tableAccept).json
        #expect(selected["rows"]?.arrayValue?.count == 2)
    }

    // MARK: - The printers, with a fixed clock

    private let now = PrinterText.epochSeconds("2025-06-01T12:00:00Z")!

    private func printed(_ kind: ResourceKind, _ json: String) throws -> [JSONValue] {
        TablePrinter(kind: kind, now: now).cells(try JSONParser.parse(Array(json.utf8)))
    }

    @Test func podCellsFollowTheContainers() throws {
        let running = try printed(
            .pod,
            #"{"metadata":{"name":"api-1","creationTimestamp":"2025-06-01T11:55:00Z"},"spec":{"nodeName":"n1","containers":[{"name":"a"},{"name":"b"}],"readinessGates":[{"conditionType":"example.com/lb"}]},"status":{"phase":"Running","podIPs":[{"ip":"10.0.0.5"},{"ip":"fd00::5"}],"podIP":"10.0.0.5","conditions":[{"type":"example.com/lb","status":"True"}],"containerStatuses":[{"name":"a","ready":true,"restartCount":2,"state":{"running":{}},"lastState":{"terminated":{"finishedAt":"2025-06-01T11:57:00Z"}}},{"name":"b","ready":false,"restartCount":1,"state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}}"#
        )
        #expect(running == ["api-1", "1/2", "CrashLoopBackOff", "3 (3m ago)", "5m", "10.0.0.5", "n1", "<none>", "1/1"])

        let ready = try printed(
            .pod,
            #"{"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]},"status":{"phase":"Running","containerStatuses":[{"name":"a","ready":true,"restartCount":0,"state":{"running":{}}}]}}"#
        )
        #expect(Array(ready.prefix(5)) == ["p", "1/1", "Running", "0", "<unknown>"])

        let initializing = try printed(
            .pod,
            #"{"metadata":{"name":"p"},"spec":{"initContainers":[{"name":"i"},{"name":"j"}],"containers":[{"name":"a"}]},"status":{"phase":"Pending","initContainerStatuses":[{"name":"i","state":{"terminated":{"exitCode":0}}},{"name":"j","state":{"waiting":{"reason":"ImagePullBackOff"}}}]}}"#
        )
        #expect(initializing[2] == "Init:ImagePullBackOff")

        let sidecar = try printed(
            .pod,
            #"{"metadata":{"name":"p"},"spec":{"initContainers":[{"name":"proxy","restartPolicy":"Always"}],"containers":[{"name":"a"}]},"status":{"phase":"Running","conditions":[{"type":"Initialized","status":"True"}],"initContainerStatuses":[{"name":"proxy","started":true,"ready":true,"restartCount":1,"state":{"running":{}}}],"containerStatuses":[{"name":"a","ready":true,"restartCount":0,"state":{"running":{}}}]}}"#
        )
        #expect(Array(sidecar.prefix(4)) == ["p", "2/2", "Running", "1"])

        let done = try printed(
            .pod,
            #"{"metadata":{"name":"p","deletionTimestamp":"2025-06-01T11:59:00Z"},"spec":{"containers":[{"name":"a"}]},"status":{"phase":"Succeeded","containerStatuses":[{"name":"a","state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}}"#
        )
        #expect(done[2] == "Completed")
        let terminating = try printed(
            .pod, #"{"metadata":{"name":"p","deletionTimestamp":"2025-06-01T11:59:00Z"},"status":{"phase":"Running"}}"#)
        #expect(terminating[2] == "Terminating")
        let completed = TablePrinter(kind: .pod, now: now).conditions(
            try JSONParser.parse(Array(#"{"status":{"phase":"Succeeded"}}"#.utf8)))
        #expect(completed.first?["type"] == "Completed")
        #expect(completed.first?["reason"] == "Succeeded")
    }

    @Test func serviceNodeAndJobCells() throws {
        let balancer = try printed(
            .service,
            #"{"metadata":{"name":"lb"},"spec":{"type":"LoadBalancer","clusterIPs":["10.96.0.7"],"externalIPs":["198.51.100.9"],"ports":[{"port":443,"nodePort":31000,"protocol":"TCP"},{"port":53,"protocol":"UDP"}]},"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.4"},{"hostname":"lb.example"}]}}}"#
        )
        #expect(
            balancer
                == [
                    "lb", "LoadBalancer", "10.96.0.7", "203.0.113.4,lb.example,198.51.100.9", "443:31000/TCP,53/UDP", "<unknown>",
                    "<none>",
                ])
        let pending = try printed(.service, #"{"metadata":{"name":"lb"},"spec":{"type":"LoadBalancer"}}"#)
        #expect(pending[3] == "<pending>")
        #expect(pending[4] == "<none>")
        let external = try printed(
            .service, #"{"metadata":{"name":"e"},"spec":{"type":"ExternalName","externalName":"db.example"}}"#)
        #expect(external[3] == "db.example")

        let node = try printed(
            .node,
            #"{"metadata":{"name":"n","creationTimestamp":"2025-05-20T12:00:00Z","labels":{"node-role.kubernetes.io/worker":"","kubernetes.io/role":"edge"}},"spec":{"unschedulable":true},"status":{"conditions":[{"type":"Ready","status":"False"}],"addresses":[{"type":"Hostname","address":"n"},{"type":"ExternalIP","address":"203.0.113.1"},{"type":"InternalIP","address":"10.0.0.1"}],"nodeInfo":{"kubeletVersion":"v1.32.1","osImage":"Ubuntu","kernelVersion":"6.8","containerRuntimeVersion":"containerd://2.0"}}}"#
        )
        #expect(
            node == [
                "n", "NotReady,SchedulingDisabled", "edge,worker", "12d", "v1.32.1", "10.0.0.1", "203.0.113.1", "Ubuntu", "6.8",
                "containerd://2.0",
            ])
        let unknown = try printed(.node, #"{"metadata":{"name":"n"}}"#)
        #expect(unknown[1] == "Unknown")
        #expect(unknown[2] == "<none>")

        let job = try printed(
            .job,
            #"{"metadata":{"name":"j"},"spec":{"completions":3,"selector":{"matchLabels":{"batch.kubernetes.io/job-name":"j"}},"template":{"spec":{"containers":[{"name":"a","image":"x"}]}}},"status":{"succeeded":2,"startTime":"2025-06-01T11:00:00Z"}}"#
        )
        #expect(job == ["j", "Running", "2/3", "60m", "<unknown>", "a", "x", "batch.kubernetes.io/job-name=j"])
        let parallel = try printed(
            .job,
            #"{"metadata":{"name":"j"},"spec":{"parallelism":4},"status":{"startTime":"2025-06-01T11:00:00Z","completionTime":"2025-06-01T11:00:42Z","conditions":[{"type":"Failed","status":"True"}]}}"#
        )
        #expect(Array(parallel.prefix(4)) == ["j", "Failed", "0/1 of 4", "42s"])
    }

    @Test func selectorsPrintAsTheAPIServerWritesThem() throws {
        let selector = try JSONParser.parse(
            Array(
                #"{"matchLabels":{"tier":"db","app":"x"},"matchExpressions":[{"key":"env","operator":"In","values":["prod","dev"]},{"key":"zone","operator":"NotIn","values":["b","a"]},{"key":"canary","operator":"DoesNotExist"},{"key":"owner","operator":"Exists"}]}"#
                    .utf8))
        #expect(PrinterText.formatSelector(selector) == "app=x,!canary,env in (dev,prod),owner,tier=db,zone notin (a,b)")
        #expect(PrinterText.formatSelector(.object([:])) == "<none>")
        #expect(PrinterText.formatSelector(nil) == "<none>")
        #expect(PrinterText.selector(.object([:])) == "")
        #expect(
            PrinterText.formatSelector(.object(["matchExpressions": .array([.object(["key": "a", "operator": "Near"])])]))
                == "<error>")
        #expect(PrinterText.formatLabels(.object(["b": "2", "a": "1"])) == "a=1,b=2")
        #expect(PrinterText.formatLabels(nil) == "<none>")
    }

    @Test func agesReadAsKubectlPrintsThem() {
        let cases: [(Int64, String)] = [
            (-5, "<invalid>"), (-1, "0s"), (0, "0s"), (59, "59s"), (119, "119s"), (120, "2m"), (150, "2m30s"), (599, "9m59s"),
            (600, "10m"), (10_799, "179m"), (10_800, "3h"), (11_100, "3h5m"), (28_800, "8h"), (172_799, "47h"), (172_800, "2d"),
            (180_000, "2d2h"), (691_200, "8d"), (63_072_000, "2y"), (65_664_000, "2y30d"), (252_288_000, "8y"),
        ]
        for (seconds, text) in cases { #expect(PrinterText.humanDuration(seconds) == text, "\(seconds)") }
        #expect(PrinterText.epochSeconds("1970-01-01T00:00:00Z") == 0)
        #expect(PrinterText.epochSeconds("2024-02-29T23:59:59Z") == 1_709_251_199)
        #expect(PrinterText.epochSeconds("2024-03-01T01:00:00.123+01:00") == 1_709_251_200)
        #expect(PrinterText.epochSeconds("2024-03-01") == nil)
        #expect(PrinterText.epochSeconds("2024-13-01T00:00:00Z") == nil)
        #expect(PrinterText.age(nil, now: now) == "<unknown>")
        #expect(PrinterText.age("2025-06-01T11:00:00Z", now: now) == "60m")
    }
}
