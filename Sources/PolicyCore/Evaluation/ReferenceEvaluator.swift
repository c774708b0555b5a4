/// The slow oracle the compiled evaluator is tested against: the same questions answered from the
/// policy objects directly. Applicable policies are found by testing every policy's selector (no
/// index), and rules are matched by walking the rule objects (`CompiledRule`, `CalicoRuleMatcher`)
/// with dictionary-based selectors: none of the interning, selector programs or rule tables.
extension CompiledPolicySet {
    /// Answers one question as ``decide(_:)`` must, without the compiled fast path. For tests.
    public func referenceDecide(_ request: DecisionRequest) throws(DecisionError) -> Decision {
        if let port = request.port, !PortNumber.isValid(port) {
            throw DecisionError(kind: .invalid, field: "port", message: PortNumber.outOfRangeMessage(String(port)))
        }
        let source = try resolve(request.source, field: "source")
        let destination = try resolve(request.destination, field: "destination")
        let all = policies.byKey.values.sorted(by: CompiledPolicy.precedes)
        let egress = source.pod.map { pod in
            referenceEvaluate(
                Flow(subjectView: source.view, peer: destination.view, isEgress: true, protocol: request.protocol),
                all.filter { $0.selects(pod.facts, egress: true) }, port: request.port)
        }
        let ingress = destination.pod.map { pod in
            referenceEvaluate(
                Flow(subjectView: destination.view, peer: source.view, isEgress: false, protocol: request.protocol),
                all.filter { $0.selects(pod.facts, egress: false) }, port: request.port)
        }
        if request.port != nil {
            let allowed = (egress?.allowed ?? true) && (ingress?.allowed ?? true)
            return Decision(allowed: allowed, revision: revision, egress: egress, ingress: ingress)
        }
        let ports = (egress?.ports ?? .all).intersection(ingress?.ports ?? .all)
        return Decision(allowed: ports.isAll, revision: revision, egress: egress, ingress: ingress, ports: ports)
    }

    /// One direction of one pod by the rule objects: the ordered walk of SEMANTICS.md §3. First matching Allow or Deny
    /// decides, Log goes on, Pass skips the rest of the (single, default) tier and so allows.
    func referenceEvaluate(_ flow: Flow, _ policies: [CompiledPolicy], port: Int?) -> SideDecision {
        if policies.isEmpty {
            return SideDecision(allowed: true, reason: .notIsolated, ports: port == nil ? .all : nil)
        }
        guard let port else { return referenceEvaluateEveryPort(flow, policies) }
        for policy in policies {
            let rules = flow.isEgress ? policy.egressRules : policy.ingressRules
            for index in rules.indices {
                let rule = rules[index]
                guard rule.matches(flow, port: port) else { continue }
                let action = rule.action
                switch action {
                case .log: continue
                case .allow, .pass:
                    return SideDecision(
                        allowed: true, reason: .allowedByPolicy, policy: policy.reference, rule: index, action: action.rawValue,
                        applied: policies)
                case .deny:
                    return SideDecision(
                        allowed: false, reason: .deniedByPolicy, policy: policy.reference, rule: index, action: "Deny",
                        applied: policies)
                }
            }
        }
        return SideDecision(allowed: false, reason: .noRuleMatched, applied: policies)
    }

    /// The same walk over every port at once, tracking which ports are still undecided.
    private func referenceEvaluateEveryPort(_ flow: Flow, _ policies: [CompiledPolicy]) -> SideDecision {
        var undecided = PortSet.all
        var allowedPorts = PortSet.empty
        var firstAllow: (PolicyReference, Int, CalicoPolicy.Action)?
        var firstDeny: (PolicyReference, Int)?
        walk: for policy in policies {
            let rules = flow.isEgress ? policy.egressRules : policy.ingressRules
            for index in rules.indices {
                let action = rules[index].action
                guard action != .log else { continue }
                let matched = rules[index].ports(flow).intersection(undecided)
                guard !matched.isEmpty else { continue }
                undecided = undecided.subtracting(matched)
                switch action {
                case .allow, .pass:
                    allowedPorts = allowedPorts.union(matched)
                    if firstAllow == nil { firstAllow = (policy.reference, index, action) }
                case .deny:
                    if firstDeny == nil { firstDeny = (policy.reference, index) }
                case .log: break
                }
                if undecided.isEmpty { break walk }
            }
        }
        if allowedPorts.isAll, let firstAllow {
            return SideDecision(
                allowed: true, reason: .allowedByPolicy, policy: firstAllow.0, rule: firstAllow.1,
                action: firstAllow.2.rawValue, applied: policies, ports: allowedPorts)
        }
        if let firstDeny {
            return SideDecision(
                allowed: false, reason: .deniedByPolicy, policy: firstDeny.0, rule: firstDeny.1, action: "Deny",
                applied: policies, ports: allowedPorts)
        }
        return SideDecision(allowed: false, reason: .noRuleMatched, applied: policies, ports: allowedPorts)
    }
}
