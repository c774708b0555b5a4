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

        func candidates(for facts: EndpointView.PodFacts, into result: inout [CompiledPolicy]) {
            result.append(contentsOf: unindexed)
            for (key, value) in facts.labels {
                if let found = byLabel[LabelPair(key: key, value: value)] { result.append(contentsOf: found) }
            }
            for (key, value) in facts.calicoLabels where facts.labels[key] != value {
                if let found = byLabel[LabelPair(key: key, value: value)] { result.append(contentsOf: found) }
            }
        }
    }

    private(set) var global = Bucket()
    private(set) var byNamespace: [String: Bucket] = [:]
    /// Each policy by its store key, to find the compiled object an update replaces.
    private(set) var byKey: [ObjectKey: CompiledPolicy] = [:]

    var count: Int { byKey.count }

    mutating func insert(_ policy: CompiledPolicy) {
        byKey[policy.key] = policy
        if let namespace = policy.namespace {
            byNamespace[namespace, default: Bucket()].insert(policy)
        } else {
            global.insert(policy)
        }
    }

    mutating func remove(_ policy: CompiledPolicy) {
        byKey[policy.key] = nil
        if let namespace = policy.namespace {
            byNamespace[namespace]?.remove(policy)
            if byNamespace[namespace]?.count == 0 { byNamespace[namespace] = nil }
        } else {
            global.remove(policy)
        }
    }

    /// The policies that select the pod, per direction, in evaluation order.
    func applicable(to facts: EndpointView.PodFacts) -> (ingress: [CompiledPolicy], egress: [CompiledPolicy]) {
        var candidates: [CompiledPolicy] = []
        global.candidates(for: facts, into: &candidates)
        byNamespace[facts.namespace]?.candidates(for: facts, into: &candidates)
        if candidates.isEmpty { return ([], []) }
        candidates.sort(by: CompiledPolicy.precedes)
        var ingress: [CompiledPolicy] = []
        var egress: [CompiledPolicy] = []
        var previous: CompiledPolicy?
        for policy in candidates where policy !== previous {
            previous = policy
            if policy.selects(facts, egress: false) { ingress.append(policy) }
            if policy.selects(facts, egress: true) { egress.append(policy) }
        }
        return (ingress, egress)
    }
}
