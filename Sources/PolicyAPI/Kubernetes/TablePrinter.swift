import PolicyCore

/// The columns and cells of a `meta.k8s.io` Table for each kind, as the API server prints its own
/// kinds (all columns, the `-o wide` ones with priority 1), the network-policy-api CRDs their
/// printer columns, and the Calico kinds (which Calico's API server prints only as name and
/// creation time) the fields that tell their policies apart.
///
/// Cells are computed from the stored object the way the API server computes them from its
/// objects; where the API server would have set a field on create that netpold stores as given
/// (a pod's `status.phase`, a namespace's, `spec.replicas`), the cell shows the value it would
/// have set.
struct TablePrinter {
    struct Column {
        var name: String
        var type: String
        var format = ""
        var description: String
        var priority = 0

        var json: JSONValue {
            .object([
                "name": .string(name), "type": .string(type), "format": .string(format), "description": .string(description),
                "priority": .integer(Int64(priority)),
            ])
        }
    }

    let kind: ResourceKind
    /// Seconds since 1970, for ages.
    let now: Int64

    private static let nameColumn = Column(
        name: "Name", type: "string", format: "name", description: "The object's name, unique in its namespace (or cluster).")
    private static let ageColumn = Column(
        name: "Age", type: "string", description: "Time since the object was created (metadata.creationTimestamp).")

    private static func string(_ name: String, _ description: String, priority: Int = 0) -> Column {
        Column(name: name, type: "string", description: description, priority: priority)
    }

    private static func integer(_ name: String, _ description: String, priority: Int = 0) -> Column {
        Column(name: name, type: "integer", description: description, priority: priority)
    }

    private static let templateColumns = [
        string("Containers", "Names of each container in the template.", priority: 1),
        string("Images", "Images referenced by each container in the template.", priority: 1),
    ]
    private static let selectorColumn = string("Selector", "The label selector of the pods.", priority: 1)
    private static let calicoPolicyColumns = [
        Column(name: "Order", type: "number", description: "spec.order: lower orders are evaluated first; none is last."),
        string("Selector", "spec.selector: the endpoints the policy applies to (all() when empty)."),
    ]
    private static let calicoPolicyWideColumns = [
        string("Tier", "spec.tier: the tier the policy is in.", priority: 1),
        string("Types", "spec.types: the directions the policy applies to.", priority: 1),
    ]
    private static let stagedActionColumn = string(
        "Staged-Action", "spec.stagedAction: what promoting the policy would do (Set or Delete).", priority: 1)

    /// The table's column definitions, Name first.
    var columns: [Column] {
        typealias C = TablePrinter
        switch kind {
        case .namespace:
            return [C.nameColumn, C.string("Status", "The status of the namespace"), C.ageColumn]
        case .pod:
            return [
                C.nameColumn, C.string("Ready", "The aggregate readiness state of this pod for accepting traffic."),
                C.string("Status", "The aggregate status of the containers in this pod."),
                C.string("Restarts", "Times the containers in this pod have been restarted, and when the last one was."),
                C.ageColumn, C.string("IP", "status.podIP: the pod's IP address.", priority: 1),
                C.string("Node", "spec.nodeName: the node the pod is bound to.", priority: 1),
                C.string("Nominated Node", "status.nominatedNodeName: the node preemption chose.", priority: 1),
                C.string("Readiness Gates", "Readiness gates whose condition is true, of those declared.", priority: 1),
            ]
        case .networkPolicy:
            return [C.nameColumn, C.string("Pod-Selector", "spec.podSelector: the pods the policy applies to."), C.ageColumn]
        case .service:
            return [
                C.nameColumn, C.string("Type", "spec.type: how the Service is exposed."),
                C.string("Cluster-IP", "spec.clusterIPs: the Service's cluster address."),
                C.string("External-IP", "The addresses the Service is reachable at from outside."),
                C.string("Port(s)", "spec.ports: port, node port and protocol."), C.ageColumn,
                C.string("Selector", "spec.selector: the pods the Service routes to.", priority: 1),
            ]
        case .deployment:
            return [
                C.nameColumn, C.string("Ready", "Number of the pod with ready state"),
                C.string("Up-to-date", "status.updatedReplicas: pods that run the current template."),
                C.string("Available", "status.availableReplicas: pods available to serve."), C.ageColumn,
            ] + C.templateColumns + [C.selectorColumn]
        case .statefulSet:
            return [C.nameColumn, C.string("Ready", "Number of the pod with ready state"), C.ageColumn] + C.templateColumns
        case .daemonSet:
            return [
                C.nameColumn, C.integer("Desired", "status.desiredNumberScheduled"),
                C.integer("Current", "status.currentNumberScheduled"), C.integer("Ready", "status.numberReady"),
                C.integer("Up-to-date", "status.updatedNumberScheduled"), C.integer("Available", "status.numberAvailable"),
                C.string("Node Selector", "spec.template.spec.nodeSelector"), C.ageColumn,
            ] + C.templateColumns + [C.selectorColumn]
        case .replicaSet, .replicationController:
            return [
                C.nameColumn, C.integer("Desired", "spec.replicas"), C.integer("Current", "status.replicas"),
                C.integer("Ready", "status.readyReplicas"), C.ageColumn,
            ] + C.templateColumns + [C.selectorColumn]
        case .job:
            return [
                C.nameColumn, C.string("Status", "Status of the job."),
                C.string("Completions", "status.succeeded of the completions wanted."),
                C.string("Duration", "Time required to complete the job."), C.ageColumn,
            ] + C.templateColumns + [C.selectorColumn]
        case .cronJob:
            return [
                C.nameColumn, C.string("Schedule", "spec.schedule"), C.string("Timezone", "spec.timeZone"),
                Column(name: "Suspend", type: "boolean", description: "spec.suspend"),
                C.integer("Active", "status.active: jobs running."), C.string("Last Schedule", "status.lastScheduleTime"),
                C.ageColumn,
            ] + C.templateColumns + [C.selectorColumn]
        case .node:
            return [
                C.nameColumn, C.string("Status", "The status of the node"), C.string("Roles", "The roles of the node"),
                C.ageColumn, C.string("Version", "status.nodeInfo.kubeletVersion"),
                C.string("Internal-IP", "status.addresses: the first InternalIP.", priority: 1),
                C.string("External-IP", "status.addresses: the first ExternalIP.", priority: 1),
                C.string("OS-Image", "status.nodeInfo.osImage", priority: 1),
                C.string("Kernel-Version", "status.nodeInfo.kernelVersion", priority: 1),
                C.string("Container-Runtime", "status.nodeInfo.containerRuntimeVersion", priority: 1),
            ]
        case .globalNetworkPolicy, .calicoNetworkPolicy:
            return [C.nameColumn] + C.calicoPolicyColumns + [C.ageColumn] + C.calicoPolicyWideColumns
        case .stagedGlobalNetworkPolicy, .stagedNetworkPolicy:
            return [C.nameColumn] + C.calicoPolicyColumns + [C.ageColumn] + C.calicoPolicyWideColumns + [C.stagedActionColumn]
        case .stagedKubernetesNetworkPolicy:
            return [
                C.nameColumn, C.string("Pod-Selector", "spec.podSelector: the pods the policy applies to."), C.ageColumn,
                C.stagedActionColumn,
            ]
        case .tier:
            return [
                C.nameColumn,
                Column(name: "Order", type: "number", description: "spec.order: lower orders are evaluated first; none is last."),
                C.string("Default-Action", "spec.defaultAction: what happens to traffic no policy of the tier decides."),
                C.ageColumn,
            ]
        // The CRDs' additionalPrinterColumns.
        case .clusterNetworkPolicy:
            return [C.nameColumn, C.string("Tier", ".spec.tier"), C.string("Priority", ".spec.priority"), C.ageColumn]
        case .adminNetworkPolicy:
            return [C.nameColumn, C.string("Priority", ".spec.priority"), C.ageColumn]
        case .baselineAdminNetworkPolicy:
            return [C.nameColumn, C.ageColumn]
        }
    }

    /// One object's cells, in ``columns`` order.
    func cells(_ object: JSONValue) -> [JSONValue] {
        let metadata = object["metadata"]
        let name = JSONValue.string(metadata?["name"]?.stringValue ?? "")
        let age = JSONValue.string(PrinterText.age(metadata?["creationTimestamp"], now: now))
        let spec = object["spec"]
        let status = object["status"]
        switch kind {
        case .namespace:
            // The API server makes every namespace it creates Active.
            return [name, .string(status?["phase"]?.stringValue ?? "Active"), age]
        case .pod:
            return podCells(object, name: name, age: age)
        case .networkPolicy:
            return [name, .string(PrinterText.formatSelector(spec?["podSelector"])), age]
        case .service:
            return serviceCells(object, name: name, age: age)
        case .deployment:
            let selector = PrinterText.selector(spec?["selector"]) ?? "<invalid>"
            return [
                name, .string("\(integer(status?["readyReplicas"]))/\(replicas(spec))"),
                .integer(integer(status?["updatedReplicas"])), .integer(integer(status?["availableReplicas"])), age,
            ] + template(spec?["template"]) + [.string(selector)]
        case .statefulSet:
            return [name, .string("\(integer(status?["readyReplicas"]))/\(replicas(spec))"), age] + template(spec?["template"])
        case .daemonSet:
            return [
                name, .integer(integer(status?["desiredNumberScheduled"])), .integer(integer(status?["currentNumberScheduled"])),
                .integer(integer(status?["numberReady"])), .integer(integer(status?["updatedNumberScheduled"])),
                .integer(integer(status?["numberAvailable"])),
                .string(PrinterText.formatLabels(spec?["template"]?["spec"]?["nodeSelector"])), age,
            ] + template(spec?["template"]) + [.string(PrinterText.formatSelector(spec?["selector"]))]
        case .replicaSet:
            return [
                name, .integer(replicas(spec)), .integer(integer(status?["replicas"])),
                .integer(integer(status?["readyReplicas"])),
                age,
            ] + template(spec?["template"]) + [.string(PrinterText.formatSelector(spec?["selector"]))]
        case .replicationController:
            return [
                name, .integer(replicas(spec)), .integer(integer(status?["replicas"])),
                .integer(integer(status?["readyReplicas"])),
                age,
            ] + template(spec?["template"]) + [.string(PrinterText.formatLabels(spec?["selector"]))]
        case .job:
            return jobCells(object, name: name, age: age)
        case .cronJob:
            let last = status?["lastScheduleTime"].map { PrinterText.age($0, now: now) } ?? "<none>"
            let suspend = spec?["suspend"]?.boolValue ?? false
            return [
                name, .string(spec?["schedule"]?.stringValue ?? ""), .string(spec?["timeZone"]?.stringValue ?? "<none>"),
                .string(suspend ? "True" : "False"), .integer(Int64(status?["active"]?.arrayValue?.count ?? 0)), .string(last),
                age,
            ] + template(spec?["jobTemplate"]?["spec"]?["template"])
                + [.string(PrinterText.formatSelector(spec?["jobTemplate"]?["spec"]?["selector"]))]
        case .node:
            return nodeCells(object, name: name, age: age)
        case .globalNetworkPolicy, .calicoNetworkPolicy:
            return [name] + calicoPolicyCells(spec) + [age] + calicoPolicyWideCells(spec)
        case .stagedGlobalNetworkPolicy, .stagedNetworkPolicy:
            return [name] + calicoPolicyCells(spec) + [age] + calicoPolicyWideCells(spec) + [stagedAction(spec)]
        case .stagedKubernetesNetworkPolicy:
            return [name, .string(PrinterText.formatSelector(spec?["podSelector"])), age, stagedAction(spec)]
        case .tier:
            return [name, number(spec?["order"]), .string(spec?["defaultAction"]?.stringValue ?? "Deny"), age]
        case .clusterNetworkPolicy:
            return [name, printed(spec?["tier"]), printed(spec?["priority"]), age]
        case .adminNetworkPolicy:
            return [name, printed(spec?["priority"]), age]
        case .baselineAdminNetworkPolicy:
            return [name, age]
        }
    }

    /// A row's conditions: a pod that ran to its end is `Completed`, as the API server marks it.
    func conditions(_ object: JSONValue) -> [JSONValue] {
        guard kind == .pod else { return [] }
        switch object["status"]?["phase"]?.stringValue {
        case "Succeeded":
            return [completed("Succeeded", "The pod has completed successfully.")]
        case "Failed":
            return [completed("Failed", "The pod failed.")]
        default:
            return []
        }
    }

    private func completed(_ reason: String, _ message: String) -> JSONValue {
        .object(["type": "Completed", "status": "True", "reason": .string(reason), "message": .string(message)])
    }

    // MARK: - Cell helpers

    private func integer(_ value: JSONValue?) -> Int64 { value?.integerValue ?? 0 }

    /// `spec.replicas`, which the API server defaults to 1.
    private func replicas(_ spec: JSONValue?) -> Int64 { spec?["replicas"]?.integerValue ?? 1 }

    /// A number as given, or null (`<none>`) without one.
    private func number(_ value: JSONValue?) -> JSONValue {
        switch value {
        case .integer?, .double?: value!
        default: .null
        }
    }

    /// A CRD printer column of type string: the value printed as text, null when absent.
    private func printed(_ value: JSONValue?) -> JSONValue {
        switch value {
        case .string?: value!
        case .integer(let number)?: .string(String(number))
        case .double(let number)?: .string(String(describing: number))
        case .bool(let flag)?: .string(flag ? "true" : "false")
        case .object?, .array?: .string(JSONWriter.string(value!))
        case .null?, nil: .null
        }
    }

    /// The containers' names and images, each joined by commas.
    private func template(_ template: JSONValue?) -> [JSONValue] {
        let containers = template?["spec"]?["containers"]?.arrayValue ?? []
        return [
            .string(containers.map { $0["name"]?.stringValue ?? "" }.joined(separator: ",")),
            .string(containers.map { $0["image"]?.stringValue ?? "" }.joined(separator: ",")),
        ]
    }

    private func calicoPolicyCells(_ spec: JSONValue?) -> [JSONValue] {
        let selector = spec?["selector"]?.stringValue ?? ""
        return [number(spec?["order"]), .string(selector.isEmpty ? "all()" : selector)]
    }

    private func calicoPolicyWideCells(_ spec: JSONValue?) -> [JSONValue] {
        let types = (spec?["types"]?.arrayValue ?? []).compactMap(\.stringValue)
        return [
            .string(spec?["tier"]?.stringValue ?? "default"), .string(types.isEmpty ? "<none>" : types.joined(separator: ",")),
        ]
    }

    private func stagedAction(_ spec: JSONValue?) -> JSONValue { .string(spec?["stagedAction"]?.stringValue ?? "Set") }

    // MARK: - Pods

    private func podCells(_ pod: JSONValue, name: JSONValue, age: JSONValue) -> [JSONValue] {
        let spec = pod["spec"]
        let status = pod["status"]
        let metadata = pod["metadata"]
        let initContainers = spec?["initContainers"]?.arrayValue ?? []
        // Init containers that keep running beside the others (sidecars) count as containers.
        let restartable = Set(
            initContainers.filter { $0["restartPolicy"]?.stringValue == "Always" }.compactMap { $0["name"]?.stringValue })
        let total = (spec?["containers"]?.arrayValue?.count ?? 0) + restartable.count
        var ready = 0
        var restarts: Int64 = 0
        var restartableRestarts: Int64 = 0
        var lastRestart: Int64?
        var lastRestartableRestart: Int64?
        func finished(_ container: JSONValue) -> Int64? {
            container["lastState"]?["terminated"]?["finishedAt"]?.stringValue.flatMap(PrinterText.epochSeconds)
        }
        func later(_ first: Int64?, _ second: Int64?) -> Int64? {
            guard let first else { return second }
            guard let second else { return first }
            return max(first, second)
        }

        // The API server makes every pod it creates Pending.
        let phase = status?["phase"]?.stringValue ?? "Pending"
        var reason = status?["reason"]?.stringValue ?? phase
        let conditions = status?["conditions"]?.arrayValue ?? []
        if conditions.contains(where: {
            $0["type"]?.stringValue == "PodScheduled" && $0["reason"]?.stringValue == "SchedulingGated"
        }) {
            reason = "SchedulingGated"
        }

        var initializing = false
        let initStatuses = status?["initContainerStatuses"]?.arrayValue ?? []
        for (position, container) in initStatuses.enumerated() {
            let count = Self.restartCount(container)
            restarts = restarts &+ count
            lastRestart = later(lastRestart, finished(container))
            let isRestartable = restartable.contains(container["name"]?.stringValue ?? "")
            if isRestartable {
                restartableRestarts = restartableRestarts &+ count
                lastRestartableRestart = later(lastRestartableRestart, finished(container))
            }
            let terminated = container["state"]?["terminated"]
            let waitingReason = container["state"]?["waiting"]?["reason"]?.stringValue ?? ""
            if let terminated, (terminated["exitCode"]?.integerValue ?? 0) == 0 { continue }
            if isRestartable, container["started"]?.boolValue == true {
                if container["ready"]?.boolValue == true { ready += 1 }
                continue
            }
            if let terminated {
                if let text = terminated["reason"]?.stringValue, !text.isEmpty {
                    reason = "Init:" + text
                } else if let signal = terminated["signal"]?.integerValue, signal != 0 {
                    reason = "Init:Signal:\(signal)"
                } else {
                    reason = "Init:ExitCode:\(terminated["exitCode"]?.integerValue ?? 0)"
                }
            } else if !waitingReason.isEmpty, waitingReason != "PodInitializing" {
                reason = "Init:" + waitingReason
            } else {
                reason = "Init:\(position)/\(initContainers.count)"
            }
            initializing = true
            break
        }

        let initialized = conditions.contains {
            $0["type"]?.stringValue == "Initialized" && $0["status"]?.stringValue == "True"
        }
        if !initializing || initialized {
            restarts = restartableRestarts
            lastRestart = lastRestartableRestart
            var running = false
            for container in (status?["containerStatuses"]?.arrayValue ?? []).reversed() {
                restarts = restarts &+ Self.restartCount(container)
                lastRestart = later(lastRestart, finished(container))
                let state = container["state"]
                if let waiting = state?["waiting"]?["reason"]?.stringValue, !waiting.isEmpty {
                    reason = waiting
                } else if let terminated = state?["terminated"] {
                    if let text = terminated["reason"]?.stringValue, !text.isEmpty {
                        reason = text
                    } else if let signal = terminated["signal"]?.integerValue, signal != 0 {
                        reason = "Signal:\(signal)"
                    } else {
                        reason = "ExitCode:\(terminated["exitCode"]?.integerValue ?? 0)"
                    }
                } else if container["ready"]?.boolValue == true, state?["running"] != nil {
                    running = true
                    ready += 1
                }
            }
            if reason == "Completed", running {
                let podReady = conditions.contains { $0["type"]?.stringValue == "Ready" && $0["status"]?.stringValue == "True" }
                reason = podReady ? "Running" : "NotReady"
            }
        }

        if metadata?["deletionTimestamp"]?.stringValue != nil {
            if status?["reason"]?.stringValue == "NodeLost" {
                reason = "Unknown"
            } else if phase != "Succeeded", phase != "Failed" {
                reason = "Terminating"
            }
        }

        var restartText = String(restarts)
        if restarts != 0, let lastRestart { restartText += " (\(PrinterText.humanDuration(now - lastRestart)) ago)" }

        let podIP = status?["podIPs"]?.arrayValue?.first?["ip"]?.stringValue ?? status?["podIP"]?.stringValue ?? ""
        let node = spec?["nodeName"]?.stringValue ?? ""
        let nominated = status?["nominatedNodeName"]?.stringValue ?? ""
        var gates = "<none>"
        let declared = spec?["readinessGates"]?.arrayValue ?? []
        if !declared.isEmpty {
            let met = declared.filter { gate in
                let wanted = gate["conditionType"]?.stringValue
                return conditions.first { $0["type"]?.stringValue == wanted }?["status"]?.stringValue == "True"
            }
            gates = "\(met.count)/\(declared.count)"
        }
        func orNone(_ text: String) -> JSONValue { .string(text.isEmpty ? "<none>" : text) }
        return [
            name, .string("\(ready)/\(total)"), .string(reason), .string(restartText), age, orNone(podIP), orNone(node),
            orNone(nominated), .string(gates),
        ]
    }

    // MARK: - Services

    private func serviceCells(_ service: JSONValue, name: JSONValue, age: JSONValue) -> [JSONValue] {
        let spec = service["spec"]
        // The API server gives every Service a type (ClusterIP) and its cluster IPs.
        let type = spec?["type"]?.stringValue ?? "ClusterIP"
        let clusterIP = spec?["clusterIPs"]?.arrayValue?.first?.stringValue ?? spec?["clusterIP"]?.stringValue ?? "<none>"
        let externalIPs = (spec?["externalIPs"]?.arrayValue ?? []).compactMap(\.stringValue)
        let external: String
        switch type {
        case "ClusterIP", "NodePort":
            external = externalIPs.isEmpty ? "<none>" : externalIPs.joined(separator: ",")
        case "LoadBalancer":
            var balancers: [String] = []
            for ingress in service["status"]?["loadBalancer"]?["ingress"]?.arrayValue ?? [] {
                let address = ingress["ip"]?.stringValue ?? ""
                let host = ingress["hostname"]?.stringValue ?? ""
                let entry = address.isEmpty ? host : address
                if !entry.isEmpty, !balancers.contains(entry) { balancers.append(entry) }
            }
            let all = balancers + externalIPs
            external = all.isEmpty ? "<pending>" : all.joined(separator: ",")
        case "ExternalName":
            external = spec?["externalName"]?.stringValue ?? ""
        default:
            external = "<unknown>"
        }
        let ports = (spec?["ports"]?.arrayValue ?? []).map { port in
            let number = port["port"]?.integerValue ?? 0
            let proto = port["protocol"]?.stringValue ?? "TCP"
            if let nodePort = port["nodePort"]?.integerValue, nodePort > 0 { return "\(number):\(nodePort)/\(proto)" }
            return "\(number)/\(proto)"
        }
        return [
            name, .string(type), .string(clusterIP), .string(external),
            .string(ports.isEmpty ? "<none>" : ports.joined(separator: ",")), age,
            .string(PrinterText.formatLabels(spec?["selector"])),
        ]
    }

    // MARK: - Jobs

    private func jobCells(_ job: JSONValue, name: JSONValue, age: JSONValue) -> [JSONValue] {
        let spec = job["spec"]
        let status = job["status"]
        let succeeded = integer(status?["succeeded"])
        let completions: String
        if let wanted = spec?["completions"]?.integerValue {
            completions = "\(succeeded)/\(wanted)"
        } else if let parallelism = spec?["parallelism"]?.integerValue, parallelism > 1 {
            completions = "\(succeeded)/1 of \(parallelism)"
        } else {
            completions = "\(succeeded)/1"
        }
        var duration = ""
        if let start = status?["startTime"]?.stringValue.flatMap(PrinterText.epochSeconds) {
            let end = status?["completionTime"]?.stringValue.flatMap(PrinterText.epochSeconds) ?? now
            duration = PrinterText.humanDuration(end - start)
        }
        let conditions = status?["conditions"]?.arrayValue ?? []
        func holds(_ type: String) -> Bool {
            conditions.first { $0["type"]?.stringValue == type }?["status"]?.stringValue == "True"
        }
        let state: String
        if holds("Complete") {
            state = "Complete"
        } else if holds("Failed") {
            state = "Failed"
        } else if job["metadata"]?["deletionTimestamp"]?.stringValue != nil {
            state = "Terminating"
        } else if holds("Suspended") {
            state = "Suspended"
        } else if holds("FailureTarget") {
            state = "FailureTarget"
        } else {
            state = "Running"
        }
        return [name, .string(state), .string(completions), .string(duration), age] + template(spec?["template"])
            + [.string(PrinterText.formatSelector(spec?["selector"]))]
    }

    // MARK: - Nodes

    private func nodeCells(_ node: JSONValue, name: JSONValue, age: JSONValue) -> [JSONValue] {
        let status = node["status"]
        var state: [String] = []
        if let ready = (status?["conditions"]?.arrayValue ?? []).last(where: { $0["type"]?.stringValue == "Ready" }) {
            state.append(ready["status"]?.stringValue == "True" ? "Ready" : "NotReady")
        } else {
            state.append("Unknown")
        }
        if node["spec"]?["unschedulable"]?.boolValue == true { state.append("SchedulingDisabled") }
        var roles: Set<String> = []
        for (key, value) in node["metadata"]?["labels"]?.objectValue ?? [:] {
            if key.hasPrefix("node-role.kubernetes.io/") {
                let role = String(key.dropFirst("node-role.kubernetes.io/".count))
                if !role.isEmpty { roles.insert(role) }
            } else if key == "kubernetes.io/role", let role = value.stringValue, !role.isEmpty {
                roles.insert(role)
            }
        }
        let addresses = status?["addresses"]?.arrayValue ?? []
        func address(_ type: String) -> String {
            addresses.first { $0["type"]?.stringValue == type }?["address"]?.stringValue ?? "<none>"
        }
        let info = status?["nodeInfo"]
        func known(_ key: String) -> JSONValue {
            let text = info?[key]?.stringValue ?? ""
            return .string(text.isEmpty ? "<unknown>" : text)
        }
        return [
            name, .string(state.joined(separator: ",")),
            .string(roles.isEmpty ? "<none>" : roles.sorted().joined(separator: ",")),
            age, .string(info?["kubeletVersion"]?.stringValue ?? ""), .string(address("InternalIP")),
            .string(address("ExternalIP")), known("osImage"), known("kernelVersion"), known("containerRuntimeVersion"),
        ]
    }

    /// A container's `restartCount` as Kubernetes types it (int32, not negative): a stored status is
    /// kept as given, and a sum of huge counts must not overflow.
    static func restartCount(_ container: JSONValue) -> Int64 {
        min(max(container["restartCount"]?.integerValue ?? 0, 0), Int64(Int32.max))
    }
}
