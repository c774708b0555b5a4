/// Deciding: resolve both endpoints, then walk the applicable policies of each pod side, for one
/// port or for every port at once.
extension CompiledPolicySet {
    /// Answers one question.
    /// - Throws: ``DecisionError`` for an unknown pod or namespace, or a port outside 1–65535.
    public func decide(_ request: DecisionRequest) throws(DecisionError) -> Decision {
        if let port = request.port, !PortNumber.isValid(port) {
            throw DecisionError(kind: .invalid, field: "port", message: PortNumber.outOfRangeMessage(String(port)))
        }
        if request.sourceObject != nil || request.destinationObject != nil { return try decideForObjects(request) }
        let source = try resolve(request.source, field: "source")
        let destination = try resolve(request.destination, field: "destination")
        return decide(source, destination, port: request.port, protocol: request.protocol)
    }

    /// One pair of resolved endpoints.
    func decide(
        _ source: (view: EndpointView, pod: CompiledPod?), _ destination: (view: EndpointView, pod: CompiledPod?), port: Int?,
        protocol: TransportProtocol
    ) -> Decision {
        let request = (port: port, protocol: `protocol`)
        let egress = source.pod.map {
            evaluate(
                Flow(subjectView: source.view, peer: destination.view, isEgress: true, protocol: request.protocol),
                $0.egressTable, port: request.port)
        }
        let ingress = destination.pod.map {
            evaluate(
                Flow(subjectView: destination.view, peer: source.view, isEgress: false, protocol: request.protocol),
                $0.ingressTable, port: request.port)
        }
        if request.port != nil {
            let allowed = (egress?.allowed ?? true) && (ingress?.allowed ?? true)
            return Decision(allowed: allowed, revision: revision, egress: egress, ingress: ingress)
        }
        let ports = (egress?.ports ?? .all).intersection(ingress?.ports ?? .all)
        return Decision(allowed: ports.isAll, revision: revision, egress: egress, ingress: ingress, ports: ports)
    }

    /// The endpoint as decisions see it, and the compiled pod whose policies apply to it (none for an external address).
    func resolve(_ endpoint: Endpoint, field: String) throws(DecisionError) -> (view: EndpointView, pod: CompiledPod?) {
        switch endpoint {
        case .pod(let namespace, let name):
            guard let pod = pods[ObjectKey(kind: .pod, namespace: namespace, name: name)] else {
                throw DecisionError(
                    kind: .podNotFound, field: field, message: "pods \"\(name)\" not found in namespace \"\(namespace)\"")
            }
            return (EndpointView(pod: pod.facts, address: nil), pod)
        case .address(let address):
            if let key = podsByAddress[address]?.first, let pod = pods[key] {
                return (EndpointView(pod: pod.facts, address: address), pod)
            }
            return (EndpointView(pod: nil, address: address), nil)
        case .workload(let namespace, let labels, let ip):
            guard let found = namespaces[namespace] else {
                throw DecisionError(
                    kind: .namespaceNotFound, field: "\(field).namespace", message: "namespaces \"\(namespace)\" not found")
            }
            return hypothetical(namespace: namespace, labels: labels, namespaceLabels: found.labels, ip: ip, namedPorts: [])
        }
    }

    /// A pod that is not stored, compiled on the spot: a hypothetical workload, or a workload's pod template.
    func hypothetical(
        namespace: String, labels: [String: String], namespaceLabels: [String: String], ip: IPAddress?,
        namedPorts: [Pod.NamedPort]
    ) -> (view: EndpointView, pod: CompiledPod?) {
        let facts = PodFacts(
            namespace: namespace, labels: labels, namespaceLabels: namespaceLabels, ips: ip.map { [$0] } ?? [],
            namedPorts: namedPorts, lookingUpIn: self.labels)
        let (ingress, egress) = policies.applicable(to: facts)
        let pod = CompiledPod(
            key: ObjectKey(kind: .pod, namespace: namespace, name: ""), facts: facts,
            ingress: RuleTable.make(ingress, egress: false), egress: RuleTable.make(egress, egress: true))
        return (EndpointView(pod: facts, address: ip), pod)
    }

    /// One direction of one pod: the ordered walk of SEMANTICS.md §3 over the pod's rule table.
    /// First matching Allow or Deny decides, Pass skips the rest of the (single, default) tier and
    /// so allows; Log rules are not in the table (they go on).
    func evaluate(_ flow: Flow, _ table: RuleTable, port: Int?) -> SideDecision {
        let policies = table.policies
        if policies.isEmpty {
            return SideDecision(allowed: true, reason: .notIsolated, ports: port == nil ? .all : nil)
        }
        guard let port else { return evaluateEveryPort(flow, table) }
        let rules = table.code.rules
        for index in rules.indices where table.matches(index, flow, port: port) {
            let rule = rules[index]
            let reference = policies[Int(rule.policy)].reference
            switch rule.action {
            case .log: continue
            case .allow, .pass:
                return SideDecision(
                    allowed: true, reason: .allowedByPolicy, policy: reference, rule: Int(rule.index),
                    action: rule.action.rawValue, applied: policies)
            case .deny:
                return SideDecision(
                    allowed: false, reason: .deniedByPolicy, policy: reference, rule: Int(rule.index), action: "Deny",
                    applied: policies)
            }
        }
        return SideDecision(allowed: false, reason: .noRuleMatched, applied: policies)
    }

    /// The same walk over every port at once, tracking which ports are still undecided.
    private func evaluateEveryPort(_ flow: Flow, _ table: RuleTable) -> SideDecision {
        let policies = table.policies
        let rules = table.code.rules
        var undecided = PortSet.all
        var allowedPorts = PortSet.empty
        var firstAllow: (Int, Int, CalicoPolicy.Action)?
        var firstDeny: (Int, Int)?
        for index in rules.indices {
            let rule = rules[index]
            guard rule.action != .log else { continue }
            let matched = table.ports(index, flow).intersection(undecided)
            guard !matched.isEmpty else { continue }
            undecided = undecided.subtracting(matched)
            switch rule.action {
            case .allow, .pass:
                allowedPorts = allowedPorts.union(matched)
                if firstAllow == nil { firstAllow = (Int(rule.policy), Int(rule.index), rule.action) }
            case .deny:
                if firstDeny == nil { firstDeny = (Int(rule.policy), Int(rule.index)) }
            case .log: break
            }
            if undecided.isEmpty { break }
        }
        if allowedPorts.isAll, let firstAllow {
            return SideDecision(
                allowed: true, reason: .allowedByPolicy, policy: policies[firstAllow.0].reference, rule: firstAllow.1,
                action: firstAllow.2.rawValue, applied: policies, ports: allowedPorts)
        }
        if let firstDeny {
            return SideDecision(
                allowed: false, reason: .deniedByPolicy, policy: policies[firstDeny.0].reference, rule: firstDeny.1,
                action: "Deny", applied: policies, ports: allowedPorts)
        }
        return SideDecision(allowed: false, reason: .noRuleMatched, applied: policies, ports: allowedPorts)
    }
}
