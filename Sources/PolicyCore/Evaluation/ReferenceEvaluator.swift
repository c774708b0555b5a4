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

    /// One direction of one pod by the rule objects: the walk of SEMANTICS.md §3 and §7, tier by
    /// tier (policies grouped by tier name here, not by the table's runs).
    func referenceEvaluate(_ flow: Flow, _ policies: [CompiledPolicy], port: Int?) -> SideDecision {
        if policies.isEmpty {
            return SideDecision(allowed: true, reason: .notIsolated, ports: port == nil ? .all : nil)
        }
        let tiers = Self.referenceTiers(policies)
        guard let port else { return referenceEvaluateEveryPort(flow, policies, tiers) }
        var passed: [TierPass] = []
        tiers: for (tier, members) in tiers {
            for policy in members {
                let rules = flow.isEgress ? policy.egressRules : policy.ingressRules
                for position in rules.indices where rules[position].matches(flow, port: port) {
                    switch rules[position].action {
                    case .log: continue
                    case .pass:
                        passed.append(referencePass(policy, position, flow))
                        continue tiers
                    case .allow, .deny:
                        var side = referenceDecided(policy, position, flow, policies, ports: nil)
                        side.passed = passed.isEmpty ? nil : passed
                        return side
                    }
                }
            }
            if tier.defaultAction == .deny {
                return SideDecision(
                    allowed: false, reason: .noRuleMatched, tier: tier.name, passed: passed.isEmpty ? nil : passed,
                    applied: policies)
            }
            passed.append(TierPass(tier: tier.name))
        }
        return SideDecision(allowed: true, reason: .passedThrough, passed: passed, applied: policies)
    }

    /// The applicable policies grouped by tier, in order.
    private static func referenceTiers(_ policies: [CompiledPolicy]) -> [(CompiledTier, [CompiledPolicy])] {
        var result: [(CompiledTier, [CompiledPolicy])] = []
        for policy in policies {
            if let last = result.indices.last, result[last].0.name == policy.tier.name {
                result[last].1.append(policy)
            } else {
                result.append((policy.tier, [policy]))
            }
        }
        return result
    }

    private func referencePass(_ policy: CompiledPolicy, _ position: Int, _ flow: Flow) -> TierPass {
        let index = policy.ruleIndex(position, egress: flow.isEgress)
        return TierPass(
            tier: policy.tier.name, policy: policy.reference, rule: index, ruleName: policy.ruleName(index, egress: flow.isEgress)
        )
    }

    private func referenceDecided(
        _ policy: CompiledPolicy, _ position: Int, _ flow: Flow, _ policies: [CompiledPolicy], ports: PortSet?
    ) -> SideDecision {
        let rules = flow.isEgress ? policy.egressRules : policy.ingressRules
        let action = rules[position].action
        let index = policy.ruleIndex(position, egress: flow.isEgress)
        return SideDecision(
            allowed: action == .allow, reason: action == .allow ? .allowedByPolicy : .deniedByPolicy, policy: policy.reference,
            rule: index, action: policy.actionName(action), ruleName: policy.ruleName(index, egress: flow.isEgress),
            tier: policy.tier.name, applied: policies, ports: ports)
    }

    /// The same walk over every port at once.
    private func referenceEvaluateEveryPort(
        _ flow: Flow, _ policies: [CompiledPolicy], _ tiers: [(CompiledTier, [CompiledPolicy])]
    ) -> SideDecision {
        var open = PortSet.all
        var allowedPorts = PortSet.empty
        var firstAllow: (CompiledPolicy, Int)?
        var firstDeny: (CompiledPolicy, Int)?
        var endOfTierDeny: String?
        var passes: [TierPass] = []
        for (tier, members) in tiers {
            var undecided = open
            var passed = PortSet.empty
            var firstPass: (CompiledPolicy, Int)?
            walk: for policy in members {
                let rules = flow.isEgress ? policy.egressRules : policy.ingressRules
                for position in rules.indices {
                    let action = rules[position].action
                    guard action != .log else { continue }
                    let matched = rules[position].ports(flow).intersection(undecided)
                    guard !matched.isEmpty else { continue }
                    undecided = undecided.subtracting(matched)
                    switch action {
                    case .allow:
                        allowedPorts = allowedPorts.union(matched)
                        if firstAllow == nil { firstAllow = (policy, position) }
                    case .deny: if firstDeny == nil { firstDeny = (policy, position) }
                    case .pass:
                        passed = passed.union(matched)
                        if firstPass == nil { firstPass = (policy, position) }
                    case .log: break
                    }
                    if undecided.isEmpty { break walk }
                }
            }
            if tier.defaultAction == .pass {
                passed = passed.union(undecided)
            } else if !undecided.isEmpty, endOfTierDeny == nil {
                endOfTierDeny = tier.name
            }
            if !passed.isEmpty { passes.append(firstPass.map { referencePass($0.0, $0.1, flow) } ?? TierPass(tier: tier.name)) }
            open = passed
            if open.isEmpty { break }
        }
        allowedPorts = allowedPorts.union(open)
        var side: SideDecision
        if allowedPorts.isAll, let (policy, position) = firstAllow {
            side = referenceDecided(policy, position, flow, policies, ports: allowedPorts)
        } else if allowedPorts.isAll {
            side = SideDecision(allowed: true, reason: .passedThrough, applied: policies, ports: allowedPorts)
        } else if let (policy, position) = firstDeny {
            side = referenceDecided(policy, position, flow, policies, ports: allowedPorts)
        } else {
            side = SideDecision(
                allowed: false, reason: .noRuleMatched, tier: endOfTierDeny, applied: policies, ports: allowedPorts)
        }
        side.passed = passes.isEmpty ? nil : passes
        return side
    }
}
