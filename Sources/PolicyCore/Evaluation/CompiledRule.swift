/// One rule of a compiled policy, matched against flows.
///
/// An enum of final classes: walking a policy's rules touches one reference per rule instead of
/// copying rule structs (and retaining every array inside them) on each decision, a rule is
/// dispatched by a switch on its case (no dynamic cast, no virtual call), and each class holds
/// only `let`s of Sendable values, so the compiler checks that rules are Sendable.
enum CompiledRule: Sendable {
    case kubernetes(KubernetesRule)
    case calico(CalicoRule)

    var action: CalicoPolicy.Action {
        switch self {
        case .kubernetes: .allow
        case .calico(let rule): rule.rule.action
        }
    }

    /// True when the rule matches the flow on one destination port.
    @inline(__always)
    func matches(_ flow: borrowing Flow, port: Int) -> Bool {
        switch self {
        case .kubernetes(let rule): rule.matches(flow, port: port)
        case .calico(let rule): rule.matches(flow, port: port)
        }
    }

    /// The destination ports for which the rule matches the flow.
    @inline(__always)
    func ports(_ flow: borrowing Flow) -> PortSet {
        switch self {
        case .kubernetes(let rule): rule.ports(flow)
        case .calico(let rule): rule.ports(flow)
        }
    }
}

/// One peer of a Kubernetes rule. A class so that matching reads its selectors in place rather than
/// copying the peer struct (and retaining every dictionary in it) for each rule checked.
final class CompiledPeer: Sendable {
    let podSelector: LabelSelector?
    let namespaceSelector: LabelSelector?
    let ipBlock: NetworkPolicy.IPBlock?
    /// The policy's namespace, which a bare podSelector peer is confined to.
    let namespace: String

    init(_ peer: NetworkPolicy.Peer, namespace: String) {
        podSelector = peer.podSelector
        namespaceSelector = peer.namespaceSelector
        ipBlock = peer.ipBlock
        self.namespace = namespace
    }

    func matches(_ endpoint: EndpointView) -> Bool {
        if let block = ipBlock {
            if let address = endpoint.address { return block.contains(address) }
            return endpoint.pod?.ips.contains { block.contains($0) } ?? false
        }
        guard let pod = endpoint.pod else { return false }
        if let namespaceSelector {
            guard namespaceSelector.matches(pod.namespaceLabels) else { return false }
        } else if pod.namespace != namespace {
            return false
        }
        return podSelector?.matches(pod.labels) ?? true
    }
}

/// A Kubernetes NetworkPolicy rule: an Allow when a peer (or none listed) and a port (or none listed) match.
final class KubernetesRule: Sendable {
    let peers: [CompiledPeer]
    let portEntries: [NetworkPolicy.Port]

    init(_ rule: NetworkPolicy.Rule, namespace: String) {
        peers = rule.peers.map { CompiledPeer($0, namespace: namespace) }
        portEntries = rule.ports
    }

    func matches(_ flow: borrowing Flow, port: Int) -> Bool {
        allowsPort(port, flow) && matchesPeer(flow.peer)
    }

    func ports(_ flow: borrowing Flow) -> PortSet {
        guard matchesPeer(flow.peer) else { return .empty }
        if portEntries.isEmpty { return .all }
        var ranges: [ClosedRange<Int>] = []
        for entry in portEntries where entry.protocol == flow.protocol {
            switch entry.target {
            case .any: return .all
            case .number(let start, let end): ranges.append(start...end)
            case .name(let name):
                for number in flow.destinationPorts(named: name) { ranges.append(number...number) }
            }
        }
        return PortSet(ranges: ranges)
    }

    @inline(__always)
    private func allowsPort(_ port: Int, _ flow: borrowing Flow) -> Bool {
        if portEntries.isEmpty { return true }
        for entry in portEntries where entry.protocol == flow.protocol {
            switch entry.target {
            case .any: return true
            case .number(let start, let end): if start <= port && port <= end { return true }
            case .name(let name): if flow.destinationPorts(named: name).contains(port) { return true }
            }
        }
        return false
    }

    @inline(__always)
    private func matchesPeer(_ endpoint: EndpointView) -> Bool {
        if peers.isEmpty { return true }
        for peer in peers where peer.matches(endpoint) { return true }
        return false
    }
}

/// A Calico rule, with its action.
final class CalicoRule: Sendable {
    let rule: CalicoPolicy.Rule
    /// The policy's namespace for a namespaced policy (scopes rule selectors), nil for a global one.
    let namespace: String?

    init(_ rule: CalicoPolicy.Rule, namespace: String?) {
        self.rule = rule
        self.namespace = namespace
    }

    func matches(_ flow: borrowing Flow, port: Int) -> Bool {
        CalicoRuleMatcher(namespace: namespace, flow: copy flow).matches(rule, port: port)
    }

    func ports(_ flow: borrowing Flow) -> PortSet {
        CalicoRuleMatcher(namespace: namespace, flow: copy flow).ports(of: rule)
    }
}
