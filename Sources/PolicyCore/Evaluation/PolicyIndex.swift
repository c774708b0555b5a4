/// Every compiled policy, indexed so that the policies that may select a pod are found from its
/// labels rather than by scanning: a policy whose selector needs one of a few labels is filed under
/// them; the rest are kept in a short list checked for every pod.
struct PolicyIndex: Sendable {
    /// Policies of one scope (global, or one namespace).
    struct Bucket: Sendable {
        var byLabel: [LabelPair: [CompiledPolicy]] = [:]
        var unindexed: [CompiledPolicy] = []
        var count = 0

        mutating func insert(_ policy: CompiledPolicy) {
            count += 1
            guard let pairs = policy.indexPairs else {
                unindexed.append(policy)
                return
            }
            for pair in Set(pairs) { byLabel[pair, default: []].append(policy) }
        }

        mutating func remove(_ policy: CompiledPolicy) {
            count -= 1
            guard let pairs = policy.indexPairs else {
                unindexed.removeAll { $0 === policy }
                return
            }
            for pair in Set(pairs) {
                byLabel[pair]?.removeAll { $0 === policy }
                if byLabel[pair]?.isEmpty == true { byLabel[pair] = nil }
            }
        }

        /// Policies filed under any of the labels, plus the unindexed ones when asked.
        func candidates(for labels: [String: String], includingUnindexed: Bool, into result: inout [CompiledPolicy]) {
            if includingUnindexed { result.append(contentsOf: unindexed) }
            for (key, value) in labels {
                if let found = byLabel[LabelPair(key: key, value: value)] { result.append(contentsOf: found) }
            }
        }
    }

    private(set) var global = Bucket()
    private(set) var byNamespace: [String: Bucket] = [:]
    /// Each policy by its store key, to find the compiled object an update replaces.
    private(set) var byKey: [ObjectKey: CompiledPolicy] = [:]

    var count: Int { byKey.count }

    /// Each policy's position in evaluation order (``CompiledPolicy/precedes(_:_:)``), from
    /// ``rankAll()`` until a policy is added or removed: a full compile sorts every pod's policies,
    /// and comparing two integers is far cheaper than comparing tiers, orders and names.
    private(set) var ranks: [ObjectIdentifier: Int]?

    /// Computes ``ranks`` for the policies held now.
    mutating func rankAll() {
        let ordered = byKey.values.sorted(by: CompiledPolicy.precedes)
        var ranks: [ObjectIdentifier: Int] = [:]
        ranks.reserveCapacity(ordered.count)
        for (position, policy) in ordered.enumerated() { ranks[ObjectIdentifier(policy)] = position }
        self.ranks = ranks
    }

    mutating func insert(_ policy: CompiledPolicy) {
        ranks = nil
        byKey[policy.key] = policy
        if let namespace = policy.namespace {
            byNamespace[namespace, default: Bucket()].insert(policy)
        } else {
            global.insert(policy)
        }
    }

    mutating func remove(_ policy: CompiledPolicy) {
        ranks = nil
        byKey[policy.key] = nil
        if let namespace = policy.namespace {
            byNamespace[namespace]?.remove(policy)
            if byNamespace[namespace]?.count == 0 { byNamespace[namespace] = nil }
        } else {
            global.remove(policy)
        }
    }

    /// The candidates every pod of a namespace shares: unindexed policies and those filed under the
    /// labels pods inherit from the namespace or get from Calico. Computed once per namespace when compiling.
    func namespaceCandidates(namespace: String, inherited: [String: String]) -> [CompiledPolicy] {
        var labels = inherited
        labels["projectcalico.org/namespace"] = namespace
        labels["projectcalico.org/orchestrator"] = "k8s"
        var result: [CompiledPolicy] = []
        global.candidates(for: labels, includingUnindexed: true, into: &result)
        byNamespace[namespace]?.candidates(for: labels, includingUnindexed: true, into: &result)
        return result
    }

    /// The policies that select the pod, per direction, in evaluation order.
    /// - Parameter shared: ``namespaceCandidates(namespace:inherited:)`` for the pod's namespace, when at hand.
    func applicable(to facts: PodFacts, shared: [CompiledPolicy]? = nil) -> (ingress: [CompiledPolicy], egress: [CompiledPolicy])
    {
        // Candidates are a superset (a label a pod overrides may add a few); `selects` below decides.
        var candidates = shared ?? namespaceCandidates(namespace: facts.namespace, inherited: inheritedOnly(facts))
        global.candidates(for: facts.labels, includingUnindexed: false, into: &candidates)
        byNamespace[facts.namespace]?.candidates(for: facts.labels, includingUnindexed: false, into: &candidates)
        if candidates.isEmpty { return ([], []) }
        // Selected first, then sorted: a pod's candidates are many more than the policies that
        // select it, and sorting them was a quarter of a full compile.
        var selected: [(policy: CompiledPolicy, ingress: Bool, egress: Bool, rank: Int)] = []
        for policy in candidates {
            let ingress = policy.selects(facts, egress: false)
            let egress = policy.selects(facts, egress: true)
            if ingress || egress { selected.append((policy, ingress, egress, ranks?[ObjectIdentifier(policy)] ?? 0)) }
        }
        if ranks != nil {
            selected.sort { $0.rank < $1.rank }
        } else {
            selected.sort { CompiledPolicy.precedes($0.policy, $1.policy) }
        }
        var ingress: [CompiledPolicy] = []
        var egress: [CompiledPolicy] = []
        var previous: CompiledPolicy?
        for entry in selected where entry.policy !== previous {
            previous = entry.policy
            if entry.ingress { ingress.append(entry.policy) }
            if entry.egress { egress.append(entry.policy) }
        }
        return (ingress, egress)
    }

    /// The pod's Calico labels that did not come from the pod itself.
    private func inheritedOnly(_ facts: PodFacts) -> [String: String] {
        facts.calicoLabels.filter { facts.labels[$0.key] != $0.value }
    }
}
