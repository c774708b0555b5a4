/// An immutable, indexed form of one ``PolicySnapshot``, answering decisions without touching the store.
///
/// Everything that does not depend on the question is done once here: each pod carries the
/// policies that select it, per direction, already in Calico's evaluation order; pods are indexed
/// by name and by address; policies are indexed by the labels their selectors need. A write is
/// applied incrementally (``applying(_:revision:snapshot:)``): a pod change recomputes that pod alone,
/// a policy change touches only the pods in its scope, and unchanged parts are shared with the previous set.
public struct CompiledPolicySet: Sendable {
    public let revision: Int64
    var namespaces: [String: Namespace]
    var pods: ShardedMap<ObjectKey, PodRecord>
    /// Owners of each address, sorted, so the same pod wins every time two pods claim one address.
    var podsByAddress: ShardedMap<IPAddress, [ObjectKey]>
    var podsByNamespace: [String: Set<ObjectKey>]
    var policies: PolicyIndex
    /// Each namespace's inherited Calico labels, built once rather than once per pod.
    var inheritedLabels: [String: [String: String]]

    /// Compiles a snapshot from scratch.
    public init(_ snapshot: PolicySnapshot) {
        revision = snapshot.revision
        namespaces = snapshot.namespaces
        inheritedLabels = snapshot.namespaces.mapValues {
            EndpointView.PodFacts.inheritedLabels(namespace: $0.name, namespaceLabels: $0.labels)
        }
        policies = PolicyIndex()
        for policy in snapshot.networkPolicies.values { policies.insert(CompiledPolicy(policy)) }
        for policy in snapshot.calicoPolicies.values { policies.insert(CompiledPolicy(policy)) }
        pods = ShardedMap()
        podsByAddress = ShardedMap()
        podsByNamespace = [:]
        var shared: [String: [CompiledPolicy]] = [:]
        for (key, pod) in snapshot.pods {
            if shared[pod.namespace] == nil {
                shared[pod.namespace] = policies.namespaceCandidates(
                    namespace: pod.namespace,
                    inherited: inheritedLabels[pod.namespace]
                        ?? EndpointView.PodFacts.inheritedLabels(namespace: pod.namespace, namespaceLabels: [Namespace.nameLabel: pod.namespace]))
            }
            insertPod(key, pod, shared: shared[pod.namespace])
        }
    }

    private init(copying other: CompiledPolicySet, revision: Int64) {
        self.revision = revision
        namespaces = other.namespaces
        pods = other.pods
        podsByAddress = other.podsByAddress
        podsByNamespace = other.podsByNamespace
        policies = other.policies
        inheritedLabels = other.inheritedLabels
    }

    /// The number of pods and policies compiled, for metrics and benchmarks.
    public var podCount: Int { pods.count }
    public var policyCount: Int { policies.count }

    // MARK: Building

    private func facts(of pod: Pod) -> EndpointView.PodFacts {
        EndpointView.PodFacts(
            namespace: pod.namespace, labels: pod.labels,
            namespaceLabels: namespaces[pod.namespace]?.labels ?? [Namespace.nameLabel: pod.namespace],
            ips: pod.ips, namedPorts: pod.namedPorts, inherited: inheritedLabels[pod.namespace])
    }

    private mutating func insertPod(_ key: ObjectKey, _ pod: Pod, shared: [CompiledPolicy]? = nil) {
        if pods[key] != nil { removePod(key) }
        let facts = facts(of: pod)
        let (ingress, egress) = policies.applicable(to: facts, shared: shared)
        pods[key] = PodRecord(key: key, facts: facts, ingress: ingress, egress: egress)
        for ip in pod.ips {
            var owners = podsByAddress[ip] ?? []
            owners.insert(key, at: owners.firstIndex { key < $0 } ?? owners.count)
            podsByAddress[ip] = owners
        }
        podsByNamespace[key.namespace, default: []].insert(key)
    }

    private mutating func removePod(_ key: ObjectKey) {
        guard let record = pods[key] else { return }
        pods[key] = nil
        for ip in record.facts.ips {
            var owners = podsByAddress[ip] ?? []
            owners.removeAll { $0 == key }
            podsByAddress[ip] = owners.isEmpty ? nil : owners
        }
        podsByNamespace[key.namespace]?.remove(key)
    }

    /// Replaces one policy (nil: none) on every pod in its scope.
    private mutating func replacePolicy(_ old: CompiledPolicy?, with new: CompiledPolicy?) {
        if let old { policies.remove(old) }
        if let new { policies.insert(new) }
        let scope = (new ?? old)?.namespace
        var updated: [PodRecord] = []
        func visit(_ record: PodRecord) {
            let hadOld = old.map { old in record.ingress.contains { $0 === old } || record.egress.contains { $0 === old } } ?? false
            let wantsNew = new.map { $0.selects(record.facts, egress: false) || $0.selects(record.facts, egress: true) } ?? false
            if hadOld || wantsNew { updated.append(record.replacing(old, with: new)) }
        }
        if let scope {
            for key in podsByNamespace[scope] ?? [] { if let record = pods[key] { visit(record) } }
        } else {
            pods.forEach { _, record in visit(record) }
        }
        for record in updated { pods[record.key] = record }
    }

    /// A change to apply to a compiled set.
    public enum Change: Sendable {
        case upsert(DecodedObject.Model)
        case remove(ObjectKey)
    }

    /// The set after `changes`, at `revision`, sharing everything the changes do not touch.
    /// - Parameter snapshot: the snapshot with the changes already applied (used for large batches).
    public func applying(_ changes: [Change], revision: Int64, snapshot: PolicySnapshot) -> CompiledPolicySet {
        // A large batch (an import) is cheaper to compile afresh than to patch pod by pod.
        if changes.count > max(1000, pods.count / 10) { return CompiledPolicySet(snapshot) }
        var next = CompiledPolicySet(copying: self, revision: revision)
        for change in changes {
            switch change {
            case .upsert(.pod(let pod)):
                next.insertPod(ObjectKey(kind: .pod, namespace: pod.namespace, name: pod.name), pod)
            case .upsert(.namespace(let namespace)):
                let changed = next.namespaces[namespace.name]?.labels != namespace.labels
                next.namespaces[namespace.name] = namespace
                next.inheritedLabels[namespace.name] = EndpointView.PodFacts.inheritedLabels(
                    namespace: namespace.name, namespaceLabels: namespace.labels)
                if changed, let keys = next.podsByNamespace[namespace.name] {
                    // Namespace labels feed pod facts (pcns.* labels, namespaceSelectors): rebuild its pods.
                    for key in keys { if let pod = snapshot.pods[key] { next.insertPod(key, pod) } }
                }
            case .upsert(.networkPolicy(let policy)):
                let compiled = CompiledPolicy(policy)
                next.replacePolicy(next.policies.byKey[compiled.key], with: compiled)
            case .upsert(.calicoPolicy(let policy)):
                let compiled = CompiledPolicy(policy)
                next.replacePolicy(next.policies.byKey[compiled.key], with: compiled)
            case .remove(let key):
                switch key.kind {
                case .pod: next.removePod(key)
                case .networkPolicy, .globalNetworkPolicy, .calicoNetworkPolicy:
                    if let old = next.policies.byKey[key] { next.replacePolicy(old, with: nil) }
                case .namespace:
                    next.namespaces[key.name] = nil
                    next.inheritedLabels[key.name] = nil
                    for pod in next.podsByNamespace[key.name] ?? [] { next.removePod(pod) }
                    next.podsByNamespace[key.name] = nil
                    for policy in next.policies.byKey.values where policy.namespace == key.name {
                        next.replacePolicy(policy, with: nil)
                    }
                }
            }
        }
        return next
    }

    // MARK: Deciding

    /// Answers one question.
    /// - Throws: ``DecisionError`` for an unknown pod or namespace, or a port outside 1–65535.
    public func decide(_ request: DecisionRequest) throws(DecisionError) -> Decision {
        if let port = request.port, !(1...65535).contains(port) {
            throw DecisionError(kind: .invalid, field: "port", message: "\(port): must be between 1 and 65535, inclusive")
        }
        let source = try resolve(request.source, field: "source")
        let destination = try resolve(request.destination, field: "destination")
        let egress = source.record.map {
            evaluate(
                Flow(subject: $0.facts, subjectView: source.view, peer: destination.view, isEgress: true, protocol: request.protocol),
                $0.egress, port: request.port)
        }
        let ingress = destination.record.map {
            evaluate(
                Flow(subject: $0.facts, subjectView: destination.view, peer: source.view, isEgress: false, protocol: request.protocol),
                $0.ingress, port: request.port)
        }
        if request.port != nil {
            let allowed = (egress?.allowed ?? true) && (ingress?.allowed ?? true)
            return Decision(allowed: allowed, revision: revision, egress: egress, ingress: ingress)
        }
        let ports = (egress?.ports ?? .all).intersection(ingress?.ports ?? .all)
        return Decision(allowed: ports.isAll, revision: revision, egress: egress, ingress: ingress, ports: ports)
    }

    func resolve(_ endpoint: Endpoint, field: String) throws(DecisionError) -> (view: EndpointView, record: PodRecord?) {
        switch endpoint {
        case .pod(let namespace, let name):
            guard let record = pods[ObjectKey(kind: .pod, namespace: namespace, name: name)] else {
                throw DecisionError(kind: .podNotFound, field: field, message: "pods \"\(name)\" not found in namespace \"\(namespace)\"")
            }
            return (EndpointView(pod: record.facts, address: nil), record)
        case .address(let address):
            if let key = podsByAddress[address]?.first, let record = pods[key] {
                return (EndpointView(pod: record.facts, address: address), record)
            }
            return (EndpointView(pod: nil, address: address), nil)
        case .workload(let namespace, let labels, let ip):
            guard let found = namespaces[namespace] else {
                throw DecisionError(kind: .namespaceNotFound, field: "\(field).namespace", message: "namespaces \"\(namespace)\" not found")
            }
            let facts = EndpointView.PodFacts(
                namespace: namespace, labels: labels, namespaceLabels: found.labels, ips: ip.map { [$0] } ?? [], namedPorts: [])
            let (ingress, egress) = policies.applicable(to: facts)
            let record = PodRecord(key: ObjectKey(kind: .pod, namespace: namespace, name: ""), facts: facts, ingress: ingress, egress: egress)
            return (EndpointView(pod: facts, address: ip), record)
        }
    }

    /// One direction of one pod: the ordered walk of SEMANTICS.md §3. First matching Allow or Deny
    /// decides, Log goes on, Pass skips the rest of the (single, default) tier and so allows.
    func evaluate(_ flow: Flow, _ policies: [CompiledPolicy], port: Int?) -> SideDecision {
        if policies.isEmpty {
            return SideDecision(allowed: true, reason: .notIsolated, ports: port == nil ? .all : nil)
        }
        guard let port else { return evaluateEveryPort(flow, policies) }
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
    private func evaluateEveryPort(_ flow: Flow, _ policies: [CompiledPolicy]) -> SideDecision {
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

extension CompiledPolicySet {
    /// The stored pods (as `namespace/name`, sorted) whose Calico labels a selector matches.
    public func pods(matching selector: CalicoSelector) -> [String] {
        var result: [String] = []
        pods.forEach { key, record in
            if selector.matches(record.facts.calicoLabels) { result.append("\(key.namespace)/\(key.name)") }
        }
        return result.sorted()
    }
}
