/// Matches one Calico rule against a flow (SEMANTICS.md §5, reference/calico.md c.2).
struct CalicoRuleMatcher {
    /// The namespace of a namespaced policy; nil for a GlobalNetworkPolicy.
    let namespace: String?
    let flow: Flow

    /// The destination ports for which every criterion of the rule holds; empty when it does not match.
    func ports(of rule: CalicoPolicy.Rule) -> PortSet {
        // Decisions are about TCP, UDP or SCTP, never ICMP: an icmp criterion cannot hold.
        if rule.hasICMP { return .empty }
        let number = flow.protocol.number
        if let required = rule.protocol, required != number { return .empty }
        if let excluded = rule.notProtocol, excluded == number { return .empty }
        if let version = rule.ipVersion, let family = connectionFamily, (version == 4) != family { return .empty }
        // The source port of a connection is not known (it is ephemeral): a rule that needs one never matches.
        guard rule.source.ports.isEmpty, matches(rule.source, flow.source) else { return .empty }
        guard matches(rule.destination, flow.destination) else { return .empty }
        var ports = rule.destination.ports.isEmpty ? PortSet.all : resolve(rule.destination.ports)
        if !rule.destination.notPorts.isEmpty { ports = ports.subtracting(resolve(rule.destination.notPorts)) }
        return ports
    }

    /// True when every criterion of the rule holds for one destination port.
    func matches(_ rule: CalicoPolicy.Rule, port: Int) -> Bool {
        if rule.hasICMP { return false }
        let number = flow.protocol.number
        if let required = rule.protocol, required != number { return false }
        if let excluded = rule.notProtocol, excluded == number { return false }
        if let version = rule.ipVersion, let family = connectionFamily, (version == 4) != family { return false }
        guard rule.source.ports.isEmpty else { return false }
        if !rule.destination.ports.isEmpty, !rule.destination.ports.contains(where: { covers($0, port) }) { return false }
        if rule.destination.notPorts.contains(where: { covers($0, port) }) { return false }
        return matches(rule.source, flow.source) && matches(rule.destination, flow.destination)
    }

    private func covers(_ entry: CalicoPolicy.PortEntry, _ port: Int) -> Bool {
        switch entry {
        case .range(let low, let high): return low <= port && port <= high
        case .named(let name): return flow.destinationPorts(named: name).contains(port)
        }
    }

    /// IPv4 (true) or IPv6 (false) when an address of the connection is known.
    private var connectionFamily: Bool? {
        (flow.destination.addresses.first ?? flow.source.addresses.first)?.isIPv4
    }

    private func resolve(_ entries: [CalicoPolicy.PortEntry]) -> PortSet {
        var ranges: [ClosedRange<Int>] = []
        for entry in entries {
            switch entry {
            case .range(let low, let high): ranges.append(low...high)
            case .named(let name):
                for number in flow.destinationPorts(named: name) { ranges.append(number...number) }
            }
        }
        return PortSet(ranges: ranges)
    }

    private func matches(_ entity: CalicoPolicy.EntityRule, _ endpoint: EndpointView) -> Bool {
        if !entity.nets.isEmpty {
            guard endpoint.addresses.contains(where: { address in entity.nets.contains { $0.contains(address) } }) else {
                return false
            }
        }
        if !entity.notNets.isEmpty {
            guard !endpoint.addresses.contains(where: { address in entity.notNets.contains { $0.contains(address) } }) else {
                return false
            }
        }
        guard entity.usesSelectors else { return true }
        // The positive selector is scoped: by namespaceSelector, else to a namespaced policy's namespace.
        let scoped = entity.namespaceScope != nil || namespace != nil
        if entity.selector != nil || scoped {
            guard let pod = endpoint.pod else { return false }
            if let scope = entity.namespaceScope {
                guard scope.matches(pod.calicoLabels) else { return false }
            } else if let namespace, pod.namespace != namespace {
                return false
            }
            if let selector = entity.selector, !selector.matches(pod.calicoLabels) { return false }
        }
        // notSelector is not scoped: anything that is not a matching pod satisfies it, external addresses included.
        if let notSelector = entity.notSelector, let pod = endpoint.pod, notSelector.matches(pod.calicoLabels) {
            return false
        }
        return true
    }
}
