/// An immutable, indexed form of one ``PolicySnapshot``, answering decisions without touching the store.
///
/// Everything that does not depend on the question is done once here: policies of both families are
/// put in Calico's evaluation order and grouped (global, and by namespace), pods are indexed by name and
/// by address, and each pod's Calico label set is built.
public struct CompiledPolicySet: Sendable {
    public let revision: Int64
    let namespaces: [String: Namespace]
    let pods: [ObjectKey: EndpointView.PodFacts]
    let podsByAddress: [IPAddress: ObjectKey]
    /// GlobalNetworkPolicies, in evaluation order.
    let globalPolicies: [CompiledPolicy]
    /// Kubernetes and Calico namespaced policies of each namespace, in evaluation order.
    let policiesByNamespace: [String: [CompiledPolicy]]

    /// Compiles a snapshot.
    public init(_ snapshot: PolicySnapshot) {
        revision = snapshot.revision
        namespaces = snapshot.namespaces
        var facts: [ObjectKey: EndpointView.PodFacts] = [:]
        facts.reserveCapacity(snapshot.pods.count)
        for (key, pod) in snapshot.pods {
            facts[key] = EndpointView.PodFacts(
                namespace: pod.namespace, labels: pod.labels,
                namespaceLabels: snapshot.namespaces[pod.namespace]?.labels ?? [Namespace.nameLabel: pod.namespace],
                ips: pod.ips, namedPorts: pod.namedPorts)
        }
        pods = facts
        var byAddress: [IPAddress: ObjectKey] = [:]
        // Sorted so that, should two pods claim one address, the same one wins every time.
        for (key, pod) in snapshot.pods.sorted(by: { $0.key < $1.key }) {
            for ip in pod.ips where byAddress[ip] == nil { byAddress[ip] = key }
        }
        podsByAddress = byAddress
        var global: [CompiledPolicy] = []
        var grouped: [String: [CompiledPolicy]] = [:]
        for policy in snapshot.networkPolicies.values { grouped[policy.namespace, default: []].append(CompiledPolicy(policy)) }
        for policy in snapshot.calicoPolicies.values {
            if let namespace = policy.namespace {
                grouped[namespace, default: []].append(CompiledPolicy(policy))
            } else {
                global.append(CompiledPolicy(policy))
            }
        }
        for key in grouped.keys { grouped[key]!.sort(by: CompiledPolicy.precedes) }
        global.sort(by: CompiledPolicy.precedes)
        globalPolicies = global
        policiesByNamespace = grouped
    }

    /// The number of pods and policies compiled, for metrics and benchmarks.
    public var podCount: Int { pods.count }
    public var policyCount: Int { globalPolicies.count + policiesByNamespace.values.reduce(0) { $0 + $1.count } }

    /// Answers one question.
    /// - Throws: ``DecisionError`` for an unknown pod or namespace, or a port outside 1–65535.
    public func decide(_ request: DecisionRequest) throws(DecisionError) -> Decision {
        if let port = request.port, !(1...65535).contains(port) {
            throw DecisionError(kind: .invalid, field: "port", message: "\(port): must be between 1 and 65535, inclusive")
        }
        let source = try resolve(request.source, field: "source")
        let destination = try resolve(request.destination, field: "destination")
        let egress = source.pod.map {
            evaluate(Flow(subject: $0, subjectView: source, peer: destination, isEgress: true, protocol: request.protocol), port: request.port)
        }
        let ingress = destination.pod.map {
            evaluate(Flow(subject: $0, subjectView: destination, peer: source, isEgress: false, protocol: request.protocol), port: request.port)
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
            return EndpointView(pod: pod, address: nil)
        case .address(let address):
            if let key = podsByAddress[address], let pod = pods[key] {
                return EndpointView(pod: pod, address: address)
            }
            return EndpointView(pod: nil, address: address)
        case .workload(let namespace, let labels, let ip):
            guard let found = namespaces[namespace] else {
                throw DecisionError(kind: .namespaceNotFound, field: "\(field).namespace", message: "namespaces \"\(namespace)\" not found")
            }
            let facts = EndpointView.PodFacts(
                namespace: namespace, labels: labels, namespaceLabels: found.labels, ips: ip.map { [$0] } ?? [], namedPorts: [])
            return EndpointView(pod: facts, address: ip)
        }
    }

    /// The policies that select the pod in the direction, in evaluation order.
    func applicable(to pod: EndpointView.PodFacts, egress: Bool) -> [CompiledPolicy] {
        let local = policiesByNamespace[pod.namespace] ?? []
        var result: [CompiledPolicy] = []
        var i = 0
        var j = 0
        // Merge the two ordered lists, keeping only the policies that select the pod.
        while i < globalPolicies.count || j < local.count {
            let takeGlobal = j == local.count || (i < globalPolicies.count && CompiledPolicy.precedes(globalPolicies[i], local[j]))
            let policy = takeGlobal ? globalPolicies[i] : local[j]
            if takeGlobal { i += 1 } else { j += 1 }
            if policy.selects(pod, egress: egress) { result.append(policy) }
        }
        return result
    }

    /// One direction of one pod: the ordered walk of SEMANTICS.md §3. First matching Allow or Deny
    /// decides, Log goes on, Pass skips the rest of the (single, default) tier and so allows.
    func evaluate(_ flow: Flow, port: Int?) -> SideDecision {
        let policies = applicable(to: flow.subject, egress: flow.isEgress)
        if policies.isEmpty {
            return SideDecision(allowed: true, reason: .notIsolated, ports: port == nil ? .all : nil)
        }
        var undecided = port.map { PortSet($0) } ?? .all
        var allowedPorts = PortSet.empty
        var deniedExplicitly = false
        var firstAllow: (PolicyReference, Int, CalicoPolicy.Action)?
        var firstDeny: (PolicyReference, Int)?
        walk: for policy in policies {
            for index in 0..<policy.ruleCount(egress: flow.isEgress) {
                let (action, matched) = policy.evaluate(rule: index, flow, candidates: undecided)
                guard !matched.isEmpty, action != .log else { continue }
                undecided = undecided.subtracting(matched)
                switch action {
                case .allow, .pass:
                    allowedPorts = allowedPorts.union(matched)
                    if firstAllow == nil { firstAllow = (policy.reference, index, action) }
                case .deny:
                    deniedExplicitly = true
                    if firstDeny == nil { firstDeny = (policy.reference, index) }
                case .log: break
                }
                if undecided.isEmpty { break walk }
            }
        }
        let references = policies.map(\.reference)
        let allowed = port.map(allowedPorts.contains) ?? allowedPorts.isAll
        let reportPorts = port == nil ? allowedPorts : nil
        if allowed, let firstAllow {
            return SideDecision(
                allowed: true, reason: .allowedByPolicy, policy: firstAllow.0, rule: firstAllow.1,
                action: firstAllow.2.rawValue, policies: references, ports: reportPorts)
        }
        if deniedExplicitly, let firstDeny {
            return SideDecision(
                allowed: false, reason: .deniedByPolicy, policy: firstDeny.0, rule: firstDeny.1, action: "Deny",
                policies: references, ports: reportPorts)
        }
        return SideDecision(allowed: false, reason: .noRuleMatched, policies: references, ports: reportPorts)
    }
}

extension CompiledPolicySet {
    /// The stored pods (as `namespace/name`, sorted) whose Calico labels a selector matches.
    public func pods(matching selector: CalicoSelector) -> [String] {
        pods.compactMap { key, pod in selector.matches(pod.calicoLabels) ? "\(key.namespace)/\(key.name)" : nil }.sorted()
    }
}
