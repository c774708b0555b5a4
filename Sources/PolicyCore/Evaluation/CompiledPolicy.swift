/// A policy of either family, placed in Calico's single evaluation order (SEMANTICS.md §3).
///
/// A class: pods' applicable-policy lists share one instance, and updates find it by identity.
final class CompiledPolicy: Sendable {
    enum Body {
        case kubernetes(NetworkPolicy)
        case calico(CalicoPolicy)
    }

    let body: Body
    let reference: PolicyReference
    /// `order`, +infinity when unset; Kubernetes NetworkPolicies sit at 1000.
    let order: Double
    /// The tie-break among equal orders: Calico's key (`name`, `namespace/name`, `namespace/knp.default.name`).
    let sortKey: String
    let namespace: String?
    let appliesToIngress: Bool
    let appliesToEgress: Bool
    /// For a GlobalNetworkPolicy with a namespaceSelector: that selector over `pcns.` labels.
    let namespaceScope: CalicoSelector?
    /// The store key.
    let key: ObjectKey
    /// Labels of which a selected pod must carry one, for the policy index; nil when there are none.
    let indexPairs: [LabelPair]?
    /// `reference` as JSON, encoded once: answers list applied policies on every decision.
    let referenceJSON: [UInt8]

    init(_ policy: NetworkPolicy) {
        body = .kubernetes(policy)
        reference = PolicyReference(kind: "NetworkPolicy", apiVersion: "networking.k8s.io/v1", namespace: policy.namespace, name: policy.name)
        order = 1000
        sortKey = "\(policy.namespace)/knp.default.\(policy.name)"
        namespace = policy.namespace
        appliesToIngress = policy.appliesToIngress
        appliesToEgress = policy.appliesToEgress
        namespaceScope = nil
        key = ObjectKey(kind: .networkPolicy, namespace: policy.namespace, name: policy.name)
        indexPairs = policy.podSelector.requiredPairs
        referenceJSON = CompiledPolicy.encode(reference)
    }

    private static func encode(_ reference: PolicyReference) -> [UInt8] {
        var bytes: [UInt8] = []
        DecisionWriter.write(reference, into: &bytes)
        return bytes
    }

    init(_ policy: CalicoPolicy) {
        body = .calico(policy)
        let kind = policy.namespace == nil ? "GlobalNetworkPolicy" : "NetworkPolicy"
        reference = PolicyReference(kind: kind, apiVersion: "projectcalico.org/v3", namespace: policy.namespace, name: policy.name)
        order = policy.order ?? .infinity
        sortKey = policy.namespace.map { "\($0)/\(policy.name)" } ?? policy.name
        namespace = policy.namespace
        appliesToIngress = policy.appliesToIngress
        appliesToEgress = policy.appliesToEgress
        let scope = policy.namespaceSelector?.prefixingKeys(with: "pcns.")
        namespaceScope = scope
        key = policy.key
        indexPairs = policy.selector.requiredPairs ?? scope?.requiredPairs
        referenceJSON = CompiledPolicy.encode(reference)
    }

    /// Evaluation order: lower order first, then by key (then kind, so no two policies tie).
    static func precedes(_ lhs: CompiledPolicy, _ rhs: CompiledPolicy) -> Bool {
        if lhs.order != rhs.order { return lhs.order < rhs.order }
        if lhs.sortKey != rhs.sortKey { return lhs.sortKey < rhs.sortKey }
        return lhs.key.kind.applyRank < rhs.key.kind.applyRank
    }

    /// True when the policy applies to the pod in the direction, whether or not any rule matches.
    func selects(_ pod: EndpointView.PodFacts, egress: Bool) -> Bool {
        guard egress ? appliesToEgress : appliesToIngress else { return false }
        if let namespace, namespace != pod.namespace { return false }
        switch body {
        case .kubernetes(let policy): return policy.podSelector.matches(pod.labels)
        case .calico(let policy):
            if let namespaceScope, !namespaceScope.matches(pod.calicoLabels) { return false }
            return policy.selector.matches(pod.calicoLabels)
        }
    }

    /// How many rules the policy has for a direction.
    func ruleCount(egress: Bool) -> Int {
        switch body {
        case .kubernetes(let policy): return egress ? policy.egress.count : policy.ingress.count
        case .calico(let policy): return egress ? policy.egress.count : policy.ingress.count
        }
    }

    /// The rule's action and the destination ports (within `candidates`) for which it matches the flow.
    func evaluate(rule index: Int, _ flow: Flow, candidates: PortSet) -> (action: CalicoPolicy.Action, ports: PortSet) {
        switch body {
        case .kubernetes(let policy):
            let rule = flow.isEgress ? policy.egress[index] : policy.ingress[index]
            guard rule.peers.isEmpty || rule.peers.contains(where: { matches($0, flow.peer, policyNamespace: policy.namespace) }) else {
                return (.allow, .empty)
            }
            return (.allow, KubernetesPorts.ports(of: rule, protocol: flow.protocol, destinationPorts: flow.destinationPorts).intersection(candidates))
        case .calico(let policy):
            let rule = flow.isEgress ? policy.egress[index] : policy.ingress[index]
            return (rule.action, CalicoRuleMatcher(policy: policy, flow: flow).ports(of: rule).intersection(candidates))
        }
    }

    /// The rule's action when it matches the flow on one port, nil when it does not match.
    /// The allocation-free twin of ``evaluate(rule:_:candidates:)`` for the common one-port question.
    @inline(__always)
    func action(rule index: Int, _ flow: Flow, port: Int) -> CalicoPolicy.Action? {
        switch body {
        case .kubernetes(let policy):
            let rule = flow.isEgress ? policy.egress[index] : policy.ingress[index]
            guard KubernetesPorts.contains(rule, port: port, protocol: flow.protocol, destinationPorts: flow.destinationPorts),
                rule.peers.isEmpty || rule.peers.contains(where: { matches($0, flow.peer, policyNamespace: policy.namespace) })
            else { return nil }
            return .allow
        case .calico(let policy):
            let rule = flow.isEgress ? policy.egress[index] : policy.ingress[index]
            return CalicoRuleMatcher(policy: policy, flow: flow).matches(rule, port: port) ? rule.action : nil
        }
    }

    private func matches(_ peer: NetworkPolicy.Peer, _ endpoint: EndpointView, policyNamespace: String) -> Bool {
        if let block = peer.ipBlock {
            return endpoint.addresses.contains { block.contains($0) }
        }
        guard let pod = endpoint.pod else { return false }
        if let namespaceSelector = peer.namespaceSelector {
            guard namespaceSelector.matches(pod.namespaceLabels) else { return false }
        } else if pod.namespace != policyNamespace {
            return false
        }
        return peer.podSelector?.matches(pod.labels) ?? true
    }
}

/// Port sets of Kubernetes rules.
enum KubernetesPorts {
    /// True when the rule allows the port for the protocol.
    @inline(__always)
    static func contains(_ rule: NetworkPolicy.Rule, port: Int, protocol proto: TransportProtocol, destinationPorts: [Pod.NamedPort]) -> Bool {
        if rule.ports.isEmpty { return true }
        for entry in rule.ports where entry.protocol == proto {
            switch entry.target {
            case .any: return true
            case .number(let start, let end): if start <= port && port <= end { return true }
            case .name(let name):
                if destinationPorts.contains(where: { $0.name == name && $0.protocol == proto && $0.port == port }) { return true }
            }
        }
        return false
    }

    /// The ports a rule allows for a protocol; named ports resolve on the destination pod.
    static func ports(of rule: NetworkPolicy.Rule, protocol proto: TransportProtocol, destinationPorts: [Pod.NamedPort]) -> PortSet {
        if rule.ports.isEmpty { return .all }
        var ranges: [ClosedRange<Int>] = []
        for port in rule.ports where port.protocol == proto {
            switch port.target {
            case .any: return .all
            case .number(let start, let end): ranges.append(start...end)
            case .name(let name):
                for named in destinationPorts where named.name == name && named.protocol == proto {
                    ranges.append(named.port...named.port)
                }
            }
        }
        return PortSet(ranges: ranges)
    }
}
