/// One rule of a compiled policy, matched against flows.
///
/// Classes rather than enum payloads: walking a policy's rules then touches one reference per rule
/// instead of copying rule structs (and retaining every array inside them) on each decision.
/// `@unchecked Sendable` is safe because every stored property is an immutable `let` of Sendable values.
class CompiledRule: @unchecked Sendable {
    let action: CalicoPolicy.Action

    init(action: CalicoPolicy.Action) { self.action = action }

    /// True when the rule matches the flow on one destination port.
    func matches(_ flow: borrowing Flow, port: Int) -> Bool { false }

    /// The destination ports for which the rule matches the flow.
    func ports(_ flow: borrowing Flow) -> PortSet { .empty }
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
final class KubernetesRule: CompiledRule, @unchecked Sendable {
    let peers: [CompiledPeer]
    let portEntries: [NetworkPolicy.Port]

    init(_ rule: NetworkPolicy.Rule, namespace: String) {
        peers = rule.peers.map { CompiledPeer($0, namespace: namespace) }
        portEntries = rule.ports
        super.init(action: .allow)
    }

    override func matches(_ flow: borrowing Flow, port: Int) -> Bool {
        allowsPort(port, flow.protocol, flow.destinationPorts) && matchesPeer(flow.peer)
    }

    override func ports(_ flow: borrowing Flow) -> PortSet {
        guard matchesPeer(flow.peer) else { return .empty }
        if portEntries.isEmpty { return .all }
        var ranges: [ClosedRange<Int>] = []
        let destinationPorts = flow.destinationPorts
        for entry in portEntries where entry.protocol == flow.protocol {
            switch entry.target {
            case .any: return .all
            case .number(let start, let end): ranges.append(start...end)
            case .name(let name):
                for named in destinationPorts where named.name == name && named.protocol == flow.protocol {
                    ranges.append(named.port...named.port)
                }
            }
        }
        return PortSet(ranges: ranges)
    }

    @inline(__always)
    private func allowsPort(_ port: Int, _ proto: TransportProtocol, _ destinationPorts: [Pod.NamedPort]) -> Bool {
        if portEntries.isEmpty { return true }
        for entry in portEntries where entry.protocol == proto {
            switch entry.target {
            case .any: return true
            case .number(let start, let end): if start <= port && port <= end { return true }
            case .name(let name):
                if destinationPorts.contains(where: { $0.name == name && $0.protocol == proto && $0.port == port }) { return true }
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
final class CalicoRule: CompiledRule, @unchecked Sendable {
    let rule: CalicoPolicy.Rule
    /// The policy's namespace for a namespaced policy (scopes rule selectors), nil for a global one.
    let namespace: String?

    init(_ rule: CalicoPolicy.Rule, namespace: String?) {
        self.rule = rule
        self.namespace = namespace
        super.init(action: rule.action)
    }

    override func matches(_ flow: borrowing Flow, port: Int) -> Bool {
        CalicoRuleMatcher(namespace: namespace, flow: copy flow).matches(rule, port: port)
    }

    override func ports(_ flow: borrowing Flow) -> PortSet {
        CalicoRuleMatcher(namespace: namespace, flow: copy flow).ports(of: rule)
    }
}
