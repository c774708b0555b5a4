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

    /// One direction of one pod: the walk of SEMANTICS.md §3 and §7 over the pod's rule table. The
    /// applicable tiers in order; in each, the first matching Allow or Deny decides, Pass leaves the
    /// tier, and a tier left without a decision applies its default action (Deny decides, Pass goes
    /// on). Passing out of the last tier allows. Log rules are not in the table (they go on).
    func evaluate(_ flow: Flow, _ table: RuleTable, port: Int?) -> SideDecision {
        let policies = table.policies
        if policies.isEmpty {
            return SideDecision(allowed: true, reason: .notIsolated, ports: port == nil ? .all : nil)
        }
        guard let port else { return evaluateEveryPort(flow, table) }
        let rules = table.code.rules
        var trace: PassTrace?
        let runs = table.runs
        tiers: for position in runs.indices {
            let run = runs[position]
            var index = Int(run.start)
            while index < Int(run.end) {
                defer { index += 1 }
                guard table.matches(index, flow, port: port) else { continue }
                let rule = rules[index]
                switch rule.action {
                case .log: continue
                case .pass:
                    if trace == nil { trace = PassTrace(table) }
                    trace?.passed(rule: index)
                    continue tiers
                case .allow, .deny:
                    var side = decided(rule.action == .allow, table, rule)
                    side.trace = trace
                    return side
                }
            }
            if run.denies {
                var side = SideDecision(
                    allowed: false, reason: .noRuleMatched, tier: table.tiers[position].tier.name, applied: policies)
                side.trace = trace
                return side
            }
            if trace == nil { trace = PassTrace(table) }
            trace?.passed(run: position)
        }
        var side = SideDecision(allowed: true, reason: .passedThrough, applied: policies)
        side.trace = trace
        return side
    }

    /// The verdict of a rule of the table.
    private func decided(_ allowed: Bool, _ table: RuleTable, _ rule: FlatRule, ports: PortSet? = nil) -> SideDecision {
        let compiled = table.policies[Int(rule.policy)]
        let index = Int(rule.index)
        var side = SideDecision(
            allowed: allowed, reason: allowed ? .allowedByPolicy : .deniedByPolicy, policy: compiled.reference, rule: index,
            action: compiled.actionName(rule.action), ruleName: compiled.ruleName(index, egress: table.isEgress),
            tier: compiled.tier.name, applied: table.policies, ports: ports)
        side.decidingPolicy = compiled
        return side
    }

    /// The same walk over every port at once: the ports still open entering each tier, of which the
    /// tier allows some, denies some and passes the rest on. The explanation names the first rule
    /// that allowed (when every port is allowed) or denied, and per tier the first Pass.
    private func evaluateEveryPort(_ flow: Flow, _ table: RuleTable) -> SideDecision {
        let rules = table.code.rules
        var open = PortSet.all
        var allowedPorts = PortSet.empty
        var firstAllow: FlatRule?
        var firstDeny: FlatRule?
        var endOfTierDeny: CompiledTier?
        var trace: PassTrace?
        for (runPosition, run) in table.tiers.enumerated() {
            var undecided = open
            var passed = PortSet.empty
            var firstPass: Int?
            for index in run.rules {
                let rule = rules[index]
                guard rule.action != .log else { continue }
                let matched = table.ports(index, flow).intersection(undecided)
                guard !matched.isEmpty else { continue }
                undecided = undecided.subtracting(matched)
                switch rule.action {
                case .allow:
                    allowedPorts = allowedPorts.union(matched)
                    if firstAllow == nil { firstAllow = rule }
                case .deny:
                    if firstDeny == nil { firstDeny = rule }
                case .pass:
                    passed = passed.union(matched)
                    if firstPass == nil { firstPass = index }
                case .log: break
                }
                if undecided.isEmpty { break }
            }
            if run.tier.defaultAction == .pass {
                passed = passed.union(undecided)
            } else if !undecided.isEmpty, endOfTierDeny == nil {
                endOfTierDeny = run.tier
            }
            if !passed.isEmpty {
                if trace == nil { trace = PassTrace(table) }
                if let firstPass { trace?.passed(rule: firstPass) } else { trace?.passed(run: runPosition) }
            }
            open = passed
            if open.isEmpty { break }
        }
        allowedPorts = allowedPorts.union(open)
        var side: SideDecision
        if allowedPorts.isAll, let firstAllow {
            side = decided(true, table, firstAllow, ports: allowedPorts)
        } else if allowedPorts.isAll {
            side = SideDecision(allowed: true, reason: .passedThrough, applied: table.policies, ports: allowedPorts)
        } else if let firstDeny {
            side = decided(false, table, firstDeny, ports: allowedPorts)
        } else {
            side = SideDecision(
                allowed: false, reason: .noRuleMatched, tier: endOfTierDeny?.name, applied: table.policies, ports: allowedPorts)
        }
        side.trace = trace
        return side
    }
}
