/// Incremental updates: a write applied to a compiled set without compiling it again.
extension CompiledPolicySet {
    /// A change to apply to a compiled set.
    public enum Change: Sendable {
        case upsert(DecodedObject.Model)
        case remove(ObjectKey)
    }

    /// The set after `changes`, at `revision`, sharing everything the changes do not touch.
    /// - Parameters:
    ///   - snapshot: the snapshot with the changes already applied (used for large batches).
    ///   - jobs: the threads a full compile may use (see ``init(_:jobs:)``).
    public func applying(
        _ changes: [Change], revision: Int64, snapshot: PolicySnapshot, jobs: JobRunner = .sequential
    ) -> CompiledPolicySet {
        // A large batch (an import) is cheaper to compile afresh than to patch pod by pod.
        if changes.count > max(1000, pods.count / 10) { return CompiledPolicySet(snapshot, jobs: jobs) }
        // A value copy shares every persistent member; the changes below copy only what they touch.
        var next = self
        next.revision = revision
        var nodesChanged = false
        for change in changes {
            if next.applyPolicyChange(change) { continue }
            switch change {
            case .upsert(.pod(let pod)):
                next.insertPod(ObjectKey(kind: .pod, namespace: pod.namespace, name: pod.name), pod)
            case .upsert(.namespace(let namespace)):
                let changed = next.namespaces[namespace.name]?.labels != namespace.labels
                next.namespaces[namespace.name] = namespace
                next.inheritedLabels[namespace.name] = PodFacts.inheritedLabels(
                    namespace: namespace.name, namespaceLabels: namespace.labels)
                if changed, let keys = next.podsByNamespace[namespace.name] {
                    // Namespace labels feed pod facts (pcns.* labels, namespaceSelectors): rebuild its pods.
                    let tables = RuleTable.Cache()
                    for key in keys { if let pod = snapshot.pods[key] { next.insertPod(key, pod, tables: tables) } }
                }
            case .upsert(.networkPolicy), .upsert(.calicoPolicy), .upsert(.clusterPolicy):
                break  // applied above
            case .upsert(.node(let node)):
                // A Node's status changes often (heartbeats) without changing what policies read.
                if next.nodes[node.name] != node {
                    next.nodes[node.name] = node
                    nodesChanged = true
                }
            case .upsert(.tier(let tier)):
                if let current = next.tiers[tier.name], current.order == (tier.order ?? .infinity),
                    current.defaultAction == tier.defaultAction
                {
                    continue
                }
                // Every policy of the tier moves; tiers change rarely, so the set is compiled afresh.
                return CompiledPolicySet(snapshot, jobs: jobs)
            case .upsert(.staged):
                // Staged policies are never enforced (``PolicySnapshot/stagedChanges`` applies them on request).
                break
            case .upsert(.workload(let workload)):
                next.insertWorkload(workload.key, workload)
            case .upsert(.service(let service)):
                next.services[service.key] = service
            case .remove(let key):
                switch key.kind {
                case .pod: next.removePod(key)
                case .deployment, .statefulSet, .daemonSet, .replicaSet, .job, .cronJob, .replicationController:
                    next.removeWorkload(key)
                case .service: next.services[key] = nil
                case .networkPolicy, .globalNetworkPolicy, .calicoNetworkPolicy, .clusterNetworkPolicy, .adminNetworkPolicy,
                    .baselineAdminNetworkPolicy:
                    break  // applied above
                case .node:
                    if next.nodes.removeValue(forKey: key.name) != nil { nodesChanged = true }
                case .tier:
                    // No policy is in a deleted tier (the store refuses that); a built-in one stays.
                    if PolicyTier.builtIn[key.name] != nil { continue }
                    if next.policies.byKey.values.contains(where: { $0.tier.name == key.name }) {
                        return CompiledPolicySet(snapshot, jobs: jobs)
                    }
                    next.tiers[key.name] = nil
                case .stagedGlobalNetworkPolicy, .stagedNetworkPolicy, .stagedKubernetesNetworkPolicy:
                    break
                case .namespace:
                    next.namespaces[key.name] = nil
                    next.inheritedLabels[key.name] = nil
                    for pod in next.podsByNamespace[key.name] ?? [] { next.removePod(pod) }
                    next.podsByNamespace[key.name] = nil
                    for workload in next.workloadsByNamespace[key.name] ?? [] { next.workloads[workload] = nil }
                    next.workloadsByNamespace[key.name] = nil
                    var gone: [ObjectKey] = []
                    next.services.forEach { serviceKey, _ in if serviceKey.namespace == key.name { gone.append(serviceKey) } }
                    for serviceKey in gone { next.services[serviceKey] = nil }
                    for policy in next.policies.byKey.values where policy.namespace == key.name {
                        next.replacePolicy(policy, with: nil)
                    }
                }
            }
        }
        if nodesChanged { next.recompileNodeReaders() }
        return next
    }

    /// Applies a change to an enforced policy (a write, or a staged one); false for any other change.
    private mutating func applyPolicyChange(_ change: Change) -> Bool {
        let compiled: CompiledPolicy
        switch change {
        case .upsert(.networkPolicy(let policy)): compiled = compile(policy)
        case .upsert(.calicoPolicy(let policy)): compiled = compile(policy)
        case .upsert(.clusterPolicy(let policy)): compiled = compile(policy)
        case .remove(let key) where key.kind.isPolicy:
            if let old = policies.byKey[key] { replacePolicy(old, with: nil) }
            return true
        default: return false
        }
        replacePolicy(policies.byKey[compiled.key], with: compiled)
        return true
    }

    /// Compiles again the admin policies whose `nodes` peers read the Nodes, after a Node write.
    private mutating func recompileNodeReaders() {
        for policy in policies.byKey.values {
            guard let source = policy.clusterSource, source.readsNodes else { continue }
            replacePolicy(policy, with: compile(source))
        }
    }

    /// Replaces one policy (nil: none) on every pod in its scope.
    private mutating func replacePolicy(_ old: CompiledPolicy?, with new: CompiledPolicy?) {
        if let old { policies.remove(old) }
        if let new { policies.insert(new) }
        let scope = (new ?? old)?.namespace
        var updated: [CompiledPod] = []
        let memo = CompiledPod.Replacements()
        func visit(_ pod: CompiledPod) {
            let hadOld = old.map { old in pod.ingress.contains { $0 === old } || pod.egress.contains { $0 === old } } ?? false
            let wantsNew = new.map { $0.selects(pod.facts, egress: false) || $0.selects(pod.facts, egress: true) } ?? false
            if hadOld || wantsNew { updated.append(pod.replacing(old, with: new, memo: memo)) }
        }
        if let scope {
            for key in podsByNamespace[scope] ?? [] { if let pod = pods[key] { visit(pod) } }
        } else {
            pods.forEach { _, pod in visit(pod) }
        }
        for pod in updated { pods[pod.key] = pod }
    }

    /// The set as if staged policies were enforced (`staged=true` answers): their writes
    /// (``PolicySnapshot/stagedChanges``, which only write policies) applied as writes would be,
    /// sharing everything they do not touch; the same revision.
    public func applyingStagedPolicies(_ changes: [Change]) -> CompiledPolicySet {
        var next = self
        for change in changes { _ = next.applyPolicyChange(change) }
        return next
    }
}
