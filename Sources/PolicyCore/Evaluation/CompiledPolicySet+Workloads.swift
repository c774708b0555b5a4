/// Decisions about stored workloads and Services: each stands for several pods (its stored pods, or
/// its pod template when it has none; a Service's backends), and the answer covers every one.
extension CompiledPolicySet {
    /// One pod, or pod template, a side stands for.
    struct Member {
        let view: EndpointView
        let pod: CompiledPod?
        /// `ns/name` for a pod, `ns/name[Kind]` for a workload without pods.
        let name: String
        let isTemplate: Bool
    }

    /// Pairs a single answer may cover: beyond this the question should be narrowed.
    static let maxPairs = 10_000

    func decideForObjects(_ request: DecisionRequest) throws(DecisionError) -> Decision {
        let sources: [Member]
        let sourceIsGroup = request.sourceObject != nil
        if let key = request.sourceObject {
            if key.kind == .service {
                throw DecisionError(
                    kind: .invalid, field: "source.service",
                    message: "a Service is a destination only: connections come from its clients, not from the Service")
            }
            sources = try members(ofWorkload: key, field: "source")
        } else {
            let resolved = try resolve(request.source, field: "source")
            sources = [Member(view: resolved.view, pod: resolved.pod, name: "", isTemplate: false)]
        }
        var service: Service?
        let destinations: [Member]
        let destinationIsGroup = request.destinationObject != nil
        if let key = request.destinationObject {
            if key.kind == .service {
                let found = try storedService(key)
                service = found
                destinations = try backends(of: found)
            } else {
                destinations = try members(ofWorkload: key, field: "destination")
            }
        } else {
            let resolved = try resolve(request.destination, field: "destination")
            destinations = [Member(view: resolved.view, pod: resolved.pod, name: "", isTemplate: false)]
        }
        // The ports asked about: for a Service, its ports of the protocol (the one asked, or all).
        var servicePorts: [Service.Port?] = [nil]
        if let service {
            let matching = service.ports.filter {
                $0.protocol == request.protocol && (request.port == nil || $0.port == request.port)
            }
            if matching.isEmpty {
                let listed = service.ports.map { "\($0.port)/\($0.protocol.rawValue)" }.joined(separator: ", ")
                let asked = request.port.map { "port \($0)/\(request.protocol.rawValue)" } ?? "\(request.protocol.rawValue) port"
                throw DecisionError(
                    kind: .invalid, field: request.port == nil ? "protocol" : "port",
                    message: "services \"\(service.name)\" in namespace \"\(service.namespace)\" has no \(asked)"
                        + (listed.isEmpty ? " (it has no ports)" : " (its ports: \(listed))"))
            }
            servicePorts = matching
        }
        if sources.count * destinations.count * servicePorts.count > Self.maxPairs {
            throw DecisionError(
                kind: .invalid, field: request.sourceObject != nil ? "source" : "destination",
                message:
                    "the question covers \(sources.count * destinations.count * servicePorts.count) pod pairs, more than "
                    + "\(Self.maxPairs): ask about a port, a pod or a smaller workload")
        }
        var entries: [Backend] = []
        var allowedServicePorts: Set<Int> = []
        var ports = PortSet.all
        for servicePort in servicePorts {
            var allAllowed = true
            for destination in destinations {
                var target = request.port
                var unresolved: String?
                if let servicePort {
                    switch servicePort.targetPort {
                    case .number(let number): target = number
                    case .name(let name):
                        let declared = destination.view.pod?.namedPorts ?? []
                        target = Pod.NamedPortNumbers(declared: declared, name: name, protocol: servicePort.protocol)
                            .first { _ in true }
                        if target == nil {
                            unresolved =
                                "targetPort \"\(name)\" is not a \(servicePort.protocol.rawValue) port of this "
                                + (destination.isTemplate ? "workload's pod template" : "pod")
                                + ": the Service does not send port \(servicePort.port) to it"
                        }
                    }
                }
                for source in sources {
                    var entry = Backend(allowed: false)
                    if destinationIsGroup {
                        if sourceIsGroup { entry.from = source.name }
                        name(&entry, destination)
                    } else {
                        name(&entry, source)
                    }
                    entry.servicePort = servicePort?.port
                    entry.port = target
                    if let unresolved {
                        entry.message = unresolved
                    } else {
                        let decision = decide(
                            (source.view, source.pod), (destination.view, destination.pod), port: target,
                            protocol: request.protocol)
                        entry.allowed = decision.allowed
                        entry.egress = decision.egress
                        entry.ingress = decision.ingress
                        entry.ports = decision.ports
                        if let answer = decision.ports { ports = ports.intersection(answer) }
                    }
                    if !entry.allowed { allAllowed = false }
                    entries.append(entry)
                }
            }
            if allAllowed, let servicePort { allowedServicePorts.insert(servicePort.port) }
        }
        let allowed = entries.allSatisfy(\.allowed)
        var answerPorts: PortSet?
        if request.port == nil {
            // For a Service: the Service ports allowed to every backend; otherwise the ports allowed for every pair.
            answerPorts = service == nil ? ports : PortSet(ranges: allowedServicePorts.sorted().map { $0...$0 })
        }
        return Decision(allowed: allowed, revision: revision, egress: nil, ingress: nil, ports: answerPorts, backends: entries)
    }

    private func name(_ entry: inout Backend, _ member: Member) {
        if member.isTemplate { entry.workload = member.name } else { entry.pod = member.name }
    }

    private func storedService(_ key: ObjectKey) throws(DecisionError) -> Service {
        guard let service = services[key] else {
            throw DecisionError(
                kind: .objectNotFound, field: "destination",
                message: "services \"\(key.name)\" not found in namespace \"\(key.namespace)\"")
        }
        return service
    }

    /// The pods a stored workload owns (directly, or through a workload it owns: a Deployment's
    /// ReplicaSets, a CronJob's Jobs), sorted; or its pod template when it has none.
    func members(ofWorkload key: ObjectKey, field: String) throws(DecisionError) -> [Member] {
        guard let workload = workloads[key] else {
            throw DecisionError(
                kind: .objectNotFound, field: field,
                message: "\(key.kind.plural)\(key.kind.group.isEmpty ? "" : "." + key.kind.group) \"\(key.name)\" not found "
                    + "in namespace \"\(key.namespace)\"")
        }
        let owned = ownedPods(key)
        if !owned.isEmpty {
            return owned.sorted().compactMap { podKey in
                pods[podKey].map {
                    Member(
                        view: EndpointView(pod: $0.facts, address: nil), pod: $0, name: "\(podKey.namespace)/\(podKey.name)",
                        isTemplate: false)
                }
            }
        }
        return [template(workload)]
    }

    func ownedPods(_ key: ObjectKey) -> Set<ObjectKey> {
        var owned = podsByOwner[key] ?? []
        for other in workloadsByNamespace[key.namespace] ?? [] {
            guard let candidate = workloads[other], candidate.owners.contains(where: { $0.key(namespace: key.namespace) == key })
            else { continue }
            owned.formUnion(podsByOwner[other] ?? [])
        }
        return owned
    }

    private func template(_ workload: Workload) -> Member {
        let resolved = hypothetical(
            namespace: workload.namespace, labels: workload.templateLabels,
            namespaceLabels: namespaces[workload.namespace]?.labels ?? [Namespace.nameLabel: workload.namespace], ip: nil,
            namedPorts: workload.namedPorts)
        return Member(view: resolved.view, pod: resolved.pod, name: workload.displayName, isTemplate: true)
    }

    /// A Service's backends: the stored pods its selector selects in its namespace, and the pod
    /// templates of workloads without pods (and without a stored owner, which stands for them) it selects.
    func backends(of service: Service) throws(DecisionError) -> [Member] {
        guard let selector = service.selector else {
            throw DecisionError(
                kind: .invalid, field: "destination.service",
                message: "services \"\(service.name)\" in namespace \"\(service.namespace)\" has no selector: its endpoints "
                    + "are not chosen by labels, so netpold cannot tell its backends")
        }
        func selects(_ labels: [String: String]) -> Bool { selector.allSatisfy { labels[$0.key] == $0.value } }
        var members: [Member] = []
        for key in (podsByNamespace[service.namespace] ?? []).sorted() {
            guard let pod = pods[key], selects(pod.facts.labels) else { continue }
            members.append(
                Member(
                    view: EndpointView(pod: pod.facts, address: nil), pod: pod, name: "\(key.namespace)/\(key.name)",
                    isTemplate: false))
        }
        for key in (workloadsByNamespace[service.namespace] ?? []).sorted() {
            guard let workload = workloads[key], selects(workload.templateLabels) else { continue }
            let ownedByStored = workload.owners.contains { owner in
                owner.key(namespace: key.namespace).map { workloads[$0] != nil } ?? false
            }
            if ownedByStored || !ownedPods(key).isEmpty { continue }
            members.append(template(workload))
        }
        if members.isEmpty {
            let shown = selector.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            throw DecisionError(
                kind: .invalid, field: "destination.service",
                message: "services \"\(service.name)\" in namespace \"\(service.namespace)\" selects nothing: no stored pod "
                    + "or workload in the namespace has the labels \(shown)")
        }
        return members
    }
}
