/// A ClusterNetworkPolicy (or v1alpha1 AdminNetworkPolicy/BaselineAdminNetworkPolicy) rewritten as
/// the GlobalNetworkPolicy that means the same, as Calico itself enforces them, so one evaluator,
/// one connectivity index and one linter serve both families.
///
/// Each upstream rule becomes one Calico rule per peer and per protocol group (peers are ORed, and
/// a Calico rule has one protocol), all with the upstream rule's action and index: the first
/// matching Calico rule is the first matching upstream rule, and explanations name the upstream rule.
struct ClusterPolicyConversion {
    /// The GlobalNetworkPolicy, in the policy's tier, ordered by priority.
    let policy: CalicoPolicy
    /// Per direction, for each Calico rule, the index of the upstream rule it came from.
    let ingressOrigins: [Int]
    let egressOrigins: [Int]

    init(_ source: ClusterNetworkPolicy, nodes: [String: ClusterNode]) {
        var policy = CalicoPolicy(namespace: nil, name: source.name, order: source.priority.map(Double.init))
        policy.tier = source.level.tierName
        switch source.subject {
        case .namespaces(let namespaces):
            policy.selector = .all
            policy.namespaceSelector = Self.selector(namespaces)
        case .pods(let pods):
            policy.selector = Self.selector(pods.podSelector)
            policy.namespaceSelector = Self.selector(pods.namespaceSelector)
        }
        var ingressOrigins: [Int] = []
        var egressOrigins: [Int] = []
        for (index, rule) in source.ingress.enumerated() {
            for converted in Self.rules(rule, egress: false, nodes: nodes) {
                policy.ingress.append(converted)
                ingressOrigins.append(index)
            }
        }
        for (index, rule) in source.egress.enumerated() {
            for converted in Self.rules(rule, egress: true, nodes: nodes) {
                policy.egress.append(converted)
                egressOrigins.append(index)
            }
        }
        // As Calico derives the types: from the rules that remain (a rule whose peers match nothing
        // a decision can ask about converts to none), so such a policy makes no tier applicable.
        policy.appliesToIngress = !policy.ingress.isEmpty
        policy.appliesToEgress = !policy.egress.isEmpty
        self.policy = policy
        self.ingressOrigins = ingressOrigins
        self.egressOrigins = egressOrigins
    }

    /// The Calico rules of one upstream rule; none when no peer can match anything.
    private static func rules(_ rule: ClusterNetworkPolicy.Rule, egress: Bool, nodes: [String: ClusterNode])
        -> [CalicoPolicy.Rule]
    {
        let action: CalicoPolicy.Action =
            switch rule.action {
            case .accept: .allow
            case .deny: .deny
            case .pass: .pass
            }
        var result: [CalicoPolicy.Rule] = []
        for peer in rule.peers {
            guard let entity = entity(peer, nodes: nodes) else { continue }
            for (proto, ports) in portGroups(rule.ports) {
                var converted = CalicoPolicy.Rule(action: action)
                converted.protocol = proto?.number
                // Ports are the destination's: the peer's for egress, the subject's for ingress.
                if egress {
                    converted.destination = entity
                    converted.destination.ports = ports
                } else {
                    converted.source = entity
                    converted.destination.ports = ports
                }
                result.append(converted)
            }
        }
        return result
    }

    /// The peer as a Calico entity; nil for a peer that matches nothing a decision can ask about
    /// (Nodes that are not stored, or domain names: decisions name pods and addresses, never hosts).
    private static func entity(_ peer: ClusterNetworkPolicy.Peer, nodes: [String: ClusterNode]) -> CalicoPolicy.EntityRule? {
        var entity = CalicoPolicy.EntityRule()
        switch peer {
        case .namespaces(let namespaces):
            entity.namespaceSelector = selector(namespaces)
        case .pods(let pods):
            // In a global policy a rule selector alone already spans every namespace: an empty
            // namespaceSelector would only add a test every pod passes.
            if !pods.namespaceSelector.isEverything { entity.namespaceSelector = selector(pods.namespaceSelector) }
            entity.selector = selector(pods.podSelector)
        case .networks(let cidrs):
            entity.nets = cidrs
        case .nodes(let nodeSelector):
            let addresses = nodes.values.filter { nodeSelector.matches($0.labels) }.flatMap(\.addresses)
            guard !addresses.isEmpty else { return nil }
            entity.nets = Set(addresses).sorted { $0.description < $1.description }.map {
                CIDR(network: $0, prefixLength: $0.isIPv4 ? 32 : 128)
            }
        case .domainNames:
            return nil
        }
        return entity
    }

    /// Destination ports grouped by protocol (nil: named ports, matched under their own protocol);
    /// one group of every port when the rule lists none.
    private static func portGroups(_ ports: [ClusterNetworkPolicy.Port]) -> [(TransportProtocol?, [CalicoPolicy.PortEntry])] {
        if ports.isEmpty { return [(nil, [])] }
        var groups: [(TransportProtocol?, [CalicoPolicy.PortEntry])] = []
        func add(_ proto: TransportProtocol?, _ entry: CalicoPolicy.PortEntry) {
            if let position = groups.firstIndex(where: { $0.0 == proto }) {
                groups[position].1.append(entry)
            } else {
                groups.append((proto, [entry]))
            }
        }
        for port in ports {
            switch port {
            case .range(let proto, let low, let high): add(proto, .range(low, high))
            case .named(let name): add(nil, .named(name))
            }
        }
        return groups
    }

    /// A Kubernetes label selector as the Calico selector that matches the same label sets.
    static func selector(_ selector: LabelSelector) -> CalicoSelector {
        var terms: [CalicoSelector] = selector.matchLabels.sorted { $0.key < $1.key }.map { .equals($0.key, $0.value) }
        for requirement in selector.requirements {
            switch requirement.operator {
            case .in: terms.append(.in(requirement.key, requirement.values))
            case .notIn: terms.append(.notIn(requirement.key, requirement.values))
            case .exists: terms.append(.has(requirement.key))
            case .doesNotExist: terms.append(.not(.has(requirement.key)))
            }
        }
        switch terms.count {
        case 0: return .all
        case 1: return terms[0]
        default: return .and(terms)
        }
    }
}
