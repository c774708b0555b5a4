/// An immutable, indexed form of one ``PolicySnapshot``, answering decisions without touching the store.
///
/// Everything that does not depend on the question is done once here: policies are grouped by
/// namespace and sorted in evaluation order, pods are indexed by name and by address.
public struct CompiledPolicySet: Sendable {
    public let revision: Int64
    let namespaces: [String: Namespace]
    let pods: [ObjectKey: Pod]
    let podsByAddress: [IPAddress: ObjectKey]
    /// Kubernetes policies of each namespace, sorted by name (their evaluation order at order 1000).
    let policiesByNamespace: [String: [NetworkPolicy]]

    /// Compiles a snapshot.
    public init(_ snapshot: PolicySnapshot) {
        revision = snapshot.revision
        namespaces = snapshot.namespaces
        pods = snapshot.pods
        var byAddress: [IPAddress: ObjectKey] = [:]
        // Sorted so that, should two pods claim one address, the same one wins every time.
        for (key, pod) in snapshot.pods.sorted(by: { $0.key < $1.key }) {
            for ip in pod.ips where byAddress[ip] == nil { byAddress[ip] = key }
        }
        podsByAddress = byAddress
        var grouped: [String: [NetworkPolicy]] = [:]
        for policy in snapshot.networkPolicies.values { grouped[policy.namespace, default: []].append(policy) }
        for key in grouped.keys { grouped[key]!.sort { $0.name < $1.name } }
        policiesByNamespace = grouped
    }

    /// The number of pods and policies compiled, for metrics and benchmarks.
    public var podCount: Int { pods.count }
    public var policyCount: Int { policiesByNamespace.values.reduce(0) { $0 + $1.count } }

    /// Answers one question.
    /// - Throws: ``DecisionError`` for an unknown pod or namespace, or a port outside 1–65535.
    public func decide(_ request: DecisionRequest) throws(DecisionError) -> Decision {
        if let port = request.port, !(1...65535).contains(port) {
            throw DecisionError(kind: .invalid, field: "port", message: "\(port): must be between 1 and 65535, inclusive")
        }
        let source = try resolve(request.source, field: "source")
        let destination = try resolve(request.destination, field: "destination")
        let egress = source.pod.map {
            evaluate(subject: $0, peer: destination, egress: true, port: request.port, protocol: request.protocol)
        }
        let ingress = destination.pod.map {
            evaluate(subject: $0, peer: source, egress: false, port: request.port, protocol: request.protocol)
        }
        if request.port != nil {
            let allowed = (egress?.allowed ?? true) && (ingress?.allowed ?? true)
            return Decision(allowed: allowed, revision: revision, egress: egress, ingress: ingress)
        }
        let ports = (egress?.ports ?? .all).intersection(ingress?.ports ?? .all)
        return Decision(allowed: ports.isAll, revision: revision, egress: egress, ingress: ingress, ports: ports)
    }

    func resolve(_ endpoint: Endpoint, field: String) throws(DecisionError) -> EndpointView {
        switch endpoint {
        case .pod(let namespace, let name):
            guard let pod = pods[ObjectKey(kind: .pod, namespace: namespace, name: name)] else {
                throw DecisionError(kind: .podNotFound, field: field, message: "pods \"\(name)\" not found in namespace \"\(namespace)\"")
            }
            return EndpointView(pod: facts(of: pod), address: nil)
        case .address(let address):
            if let key = podsByAddress[address], let pod = pods[key] {
                return EndpointView(pod: facts(of: pod), address: address)
            }
            return EndpointView(pod: nil, address: address)
        case .workload(let namespace, let labels, let ip):
            guard let found = namespaces[namespace] else {
                throw DecisionError(kind: .namespaceNotFound, field: "\(field).namespace", message: "namespaces \"\(namespace)\" not found")
            }
            let facts = EndpointView.PodFacts(
                namespace: namespace, labels: labels, namespaceLabels: found.labels, ips: ip.map { [$0] } ?? [],
                namedPorts: [])
            return EndpointView(pod: facts, address: ip)
        }
    }

    private func facts(of pod: Pod) -> EndpointView.PodFacts {
        EndpointView.PodFacts(
            namespace: pod.namespace, labels: pod.labels,
            namespaceLabels: namespaces[pod.namespace]?.labels ?? [Namespace.nameLabel: pod.namespace],
            ips: pod.ips, namedPorts: pod.namedPorts)
    }

    /// One direction of one pod: the policies that select it, walked in order (SEMANTICS.md §3).
    func evaluate(
        subject: EndpointView.PodFacts, peer: EndpointView, egress: Bool, port: Int?, protocol proto: TransportProtocol
    ) -> SideDecision {
        let candidates = policiesByNamespace[subject.namespace] ?? []
        var applied: [PolicyReference] = []
        // Named ports resolve on the connection's destination: the peer for egress, the subject for ingress.
        let destinationPorts = egress ? peer.pod?.namedPorts ?? [] : subject.namedPorts
        var undecided = port.map { PortSet($0) } ?? .all
        var allowedPorts = PortSet.empty
        var decider: (PolicyReference, Int)?
        for policy in candidates {
            guard egress ? policy.appliesToEgress : policy.appliesToIngress,
                policy.podSelector.matches(subject.labels)
            else { continue }
            let reference = PolicyReference(kind: "NetworkPolicy", namespace: policy.namespace, name: policy.name)
            applied.append(reference)
            guard !undecided.isEmpty else { continue }
            for (index, rule) in (egress ? policy.egress : policy.ingress).enumerated() {
                guard rule.peers.isEmpty || rule.peers.contains(where: { matches($0, peer: peer, policyNamespace: policy.namespace) })
                else { continue }
                let matched = ports(of: rule, protocol: proto, destinationPorts: destinationPorts).intersection(undecided)
                guard !matched.isEmpty else { continue }
                allowedPorts = allowedPorts.union(matched)
                undecided = undecided.subtracting(matched)
                if decider == nil { decider = (reference, index) }
                if undecided.isEmpty { break }
            }
        }
        if applied.isEmpty {
            return SideDecision(allowed: true, reason: .notIsolated, ports: port == nil ? .all : nil)
        }
        let allowed = undecided.isEmpty
        return SideDecision(
            allowed: allowed, reason: allowed ? .allowedByPolicy : .noRuleMatched,
            policy: allowed ? decider?.0 : nil, rule: allowed ? decider?.1 : nil, policies: applied,
            ports: port == nil ? allowedPorts : nil)
    }

    func matches(_ peer: NetworkPolicy.Peer, peer endpoint: EndpointView, policyNamespace: String) -> Bool {
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

    /// The ports a rule allows for a protocol; named ports resolve on the destination pod.
    func ports(of rule: NetworkPolicy.Rule, protocol proto: TransportProtocol, destinationPorts: [Pod.NamedPort]) -> PortSet {
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
