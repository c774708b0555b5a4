/// An immutable, indexed form of one ``PolicySnapshot``, answering decisions without touching the store.
///
/// Everything that does not depend on the question is done once here: each pod carries the
/// policies that select it, per direction, already in Calico's evaluation order; pods are indexed
/// by name and by address; policies are indexed by the labels their selectors need. A write is
/// applied incrementally (``applying(_:revision:snapshot:)``): a pod change recomputes that pod alone,
/// a policy change touches only the pods in its scope, and unchanged parts are shared with the previous set.
///
/// This file compiles; `CompiledPolicySet+Update.swift` applies writes and `CompiledPolicySet+Decide.swift` answers.
public struct CompiledPolicySet: Sendable {
    public internal(set) var revision: Int64
    var namespaces: [String: Namespace]
    var pods: ShardedMap<ObjectKey, CompiledPod>
    /// Owners of each address, sorted, so the same pod wins every time two pods claim one address.
    var podsByAddress: ShardedMap<IPAddress, [ObjectKey]>
    var podsByNamespace: [String: Set<ObjectKey>]
    var policies: PolicyIndex
    /// Every tier by name, stored or built in; a Tier write compiles the set afresh.
    var tiers: [String: CompiledTier]
    /// The Nodes, whose addresses admin policies' `nodes` peers match.
    var nodes: [String: ClusterNode]
    /// Each namespace's inherited Calico labels, built once rather than once per pod.
    var inheritedLabels: [String: [String: String]]
    /// Label keys, values and namespace names as ids, for the selector programs of rule tables.
    var labels: LabelInterner
    /// Workloads and Services: decisions about them resolve to pods (or pod templates) at question time.
    var workloads: ShardedMap<ObjectKey, Workload>
    var workloadsByNamespace: [String: Set<ObjectKey>]
    var services: ShardedMap<ObjectKey, Service>
    /// The pods each workload owns directly (a pod's ownerReferences), and the reverse.
    var podsByOwner: ShardedMap<ObjectKey, Set<ObjectKey>>
    var podOwners: ShardedMap<ObjectKey, [ObjectKey]>

    /// Compiles a snapshot from scratch.
    /// - Parameter jobs: runs the independent parts (each pod's facts and applicable policies, rule
    ///   tables) across threads; the result does not depend on it (ids are interned beforehand, in order).
    public init(_ snapshot: PolicySnapshot, jobs: JobRunner = .sequential) {
        revision = snapshot.revision
        namespaces = snapshot.namespaces
        inheritedLabels = snapshot.namespaces.mapValues {
            PodFacts.inheritedLabels(namespace: $0.name, namespaceLabels: $0.labels)
        }
        labels = LabelInterner()
        policies = PolicyIndex()
        tiers = CompiledTier.all(snapshot)
        nodes = snapshot.nodes
        pods = ShardedMap()
        podsByAddress = ShardedMap()
        podsByNamespace = [:]
        workloads = ShardedMap()
        workloadsByNamespace = [:]
        services = ShardedMap()
        podsByOwner = ShardedMap()
        podOwners = ShardedMap()
        for policy in snapshot.networkPolicies.values { policies.insert(compile(policy)) }
        for policy in snapshot.calicoPolicies.values { policies.insert(compile(policy)) }
        for policy in snapshot.clusterPolicies.values { policies.insert(compile(policy)) }
        policies.rankAll()
        for (key, workload) in snapshot.workloads { insertWorkload(key, workload) }
        for (key, service) in snapshot.services { services[key] = service }
        compilePods(snapshot.pods, jobs: jobs)
    }

    /// What one pod needs from its namespace, computed once per namespace.
    private struct NamespaceContext {
        let labels: [String: String]
        let inherited: [String: String]
        let candidates: [CompiledPolicy]
    }

    /// Compiles every pod of a full compile. Three steps: intern every label of every pod, on this
    /// thread and in snapshot order (ids are the same however many threads run the next step); per
    /// pod and in parallel, its facts and applicable policies; then, in order, the shared rule
    /// tables (each distinct one built in parallel) and the maps.
    private mutating func compilePods(_ snapshotPods: [ObjectKey: Pod], jobs: JobRunner) {
        let entries = Array(snapshotPods)
        var contexts: [String: NamespaceContext] = [:]
        for (_, pod) in entries {
            if contexts[pod.namespace] == nil {
                let namespaceLabels = namespaces[pod.namespace]?.labels ?? [Namespace.nameLabel: pod.namespace]
                let inherited =
                    inheritedLabels[pod.namespace]
                    ?? PodFacts.inheritedLabels(namespace: pod.namespace, namespaceLabels: namespaceLabels)
                PodFacts.intern(namespace: pod.namespace, namespaceLabels: namespaceLabels, inherited: inherited, into: &labels)
                contexts[pod.namespace] = NamespaceContext(
                    labels: namespaceLabels, inherited: inherited,
                    candidates: policies.namespaceCandidates(namespace: pod.namespace, inherited: inherited))
            }
            for (key, value) in pod.labels {
                _ = labels.intern(key)
                _ = labels.intern(value)
            }
        }

        // Per pod, independent: facts (ids looked up, all present now) and applicable policies.
        typealias Compiled = (facts: PodFacts, ingress: [CompiledPolicy], egress: [CompiledPolicy])
        var compiled = [Compiled?](repeating: nil, count: entries.count)
        let interner = labels
        let index = policies
        compiled.withUnsafeMutableBufferPointer { results in
            jobs.forEachRange(entries.count, minimum: 256) { range in
                for position in range {
                    let pod = entries[position].value
                    guard let context = contexts[pod.namespace] else { continue }
                    let facts = PodFacts(
                        namespace: pod.namespace, labels: pod.labels, namespaceLabels: context.labels, ips: pod.ips,
                        namedPorts: pod.namedPorts, inherited: context.inherited, interned: interner)
                    let (ingress, egress) = index.applicable(to: facts, shared: context.candidates)
                    results[position] = (facts, ingress, egress)
                }
            }
        }

        // Shared tables: the distinct applicable lists, in first-seen order, each table built once.
        let tables = RuleTable.Cache()
        var ingressTables: [Int] = []
        var egressTables: [Int] = []
        ingressTables.reserveCapacity(entries.count)
        egressTables.reserveCapacity(entries.count)
        for item in compiled {
            guard let item else { continue }
            ingressTables.append(tables.slot(item.ingress, egress: false))
            egressTables.append(tables.slot(item.egress, egress: true))
        }
        let made = tables.makeTables(jobs: jobs)

        var next = 0
        for (position, item) in compiled.enumerated() {
            guard let item else { continue }
            let (key, pod) = entries[position]
            let compiledPod = CompiledPod(
                key: key, facts: item.facts, ingress: made[ingressTables[next]], egress: made[egressTables[next]])
            next += 1
            file(compiledPod, pod)
        }
    }

    func tier(named name: String) -> CompiledTier { tiers[name] ?? CompiledTier.undefined(name) }

    mutating func compile(_ policy: NetworkPolicy) -> CompiledPolicy {
        CompiledPolicy(policy, tier: tier(named: PolicyTier.defaultName), interner: &labels)
    }

    mutating func compile(_ policy: CalicoPolicy) -> CompiledPolicy {
        CompiledPolicy(policy, tier: tier(named: policy.tier), interner: &labels)
    }

    mutating func compile(_ policy: ClusterNetworkPolicy) -> CompiledPolicy {
        CompiledPolicy(policy, nodes: nodes, tier: tier(named: policy.level.tierName), interner: &labels)
    }

    /// Compiles one pod (replacing any pod stored under its key) and files it by address and namespace.
    /// - Parameter tables: shares rule tables with other pods compiled in the same batch.
    mutating func insertPod(_ key: ObjectKey, _ pod: Pod, tables: RuleTable.Cache = RuleTable.Cache()) {
        if pods[key] != nil { removePod(key) }
        let facts = facts(of: pod)
        let (ingress, egress) = policies.applicable(to: facts)
        file(
            CompiledPod(
                key: key, facts: facts, ingress: tables.table(ingress, egress: false),
                egress: tables.table(egress, egress: true)),
            pod)
    }

    /// Stores a compiled pod and files it by address, namespace and owner (no pod is stored under its key).
    private mutating func file(_ compiled: CompiledPod, _ pod: Pod) {
        let key = compiled.key
        pods[key] = compiled
        for ip in pod.ips {
            var owners = podsByAddress[ip] ?? []
            owners.insert(key, at: owners.firstIndex { key < $0 } ?? owners.count)
            podsByAddress[ip] = owners
        }
        podsByNamespace[key.namespace, default: []].insert(key)
        let owners = Self.ownerKeys(of: pod)
        if !owners.isEmpty {
            podOwners[key] = owners
            for owner in owners {
                var owned = podsByOwner[owner] ?? []
                owned.insert(key)
                podsByOwner[owner] = owned
            }
        }
    }

    /// The number of pods and policies compiled, for metrics and benchmarks.
    public var podCount: Int { pods.count }
    public var policyCount: Int { policies.count }
    /// The keys of the compiled policies.
    public var policyKeys: [ObjectKey] { Array(policies.byKey.keys) }

    private mutating func facts(of pod: Pod) -> PodFacts {
        PodFacts(
            namespace: pod.namespace, labels: pod.labels,
            namespaceLabels: namespaces[pod.namespace]?.labels ?? [Namespace.nameLabel: pod.namespace],
            ips: pod.ips, namedPorts: pod.namedPorts, inherited: inheritedLabels[pod.namespace], interner: &labels)
    }

    /// The workloads that own a pod directly, and the Deployment behind a ReplicaSet that is not
    /// stored, known by its name: `<deployment>-<pod-template-hash>`, as the Deployment controller names it.
    static func ownerKeys(of pod: Pod) -> [ObjectKey] {
        var keys: [ObjectKey] = []
        for owner in pod.owners {
            guard let key = owner.key(namespace: pod.namespace), !keys.contains(key) else { continue }
            keys.append(key)
            if key.kind == .replicaSet, let hash = pod.labels["pod-template-hash"], !hash.isEmpty,
                key.name.hasSuffix("-" + hash), key.name.count > hash.count + 1
            {
                let deployment = ObjectKey(
                    kind: .deployment, namespace: pod.namespace, name: String(key.name.dropLast(hash.count + 1)))
                if !keys.contains(deployment) { keys.append(deployment) }
            }
        }
        return keys
    }

    /// Files a workload by key and namespace.
    mutating func insertWorkload(_ key: ObjectKey, _ workload: Workload) {
        workloads[key] = workload
        workloadsByNamespace[key.namespace, default: []].insert(key)
    }

    mutating func removeWorkload(_ key: ObjectKey) {
        workloads[key] = nil
        workloadsByNamespace[key.namespace]?.remove(key)
    }

    /// Removes one pod and its address and namespace entries.
    mutating func removePod(_ key: ObjectKey) {
        guard let removed = pods[key] else { return }
        pods[key] = nil
        for ip in removed.facts.ips {
            var owners = podsByAddress[ip] ?? []
            owners.removeAll { $0 == key }
            podsByAddress[ip] = owners.isEmpty ? nil : owners
        }
        podsByNamespace[key.namespace]?.remove(key)
        for owner in podOwners[key] ?? [] {
            var owned = podsByOwner[owner] ?? []
            owned.remove(key)
            podsByOwner[owner] = owned.isEmpty ? nil : owned
        }
        podOwners[key] = nil
    }
}

extension CompiledPolicySet {
    /// The stored pods (as `namespace/name`, sorted) whose Calico labels a selector matches.
    public func pods(matching selector: CalicoSelector) -> [String] {
        var result: [String] = []
        pods.forEach { key, pod in
            if selector.matches(pod.facts.calicoLabels) { result.append("\(key.namespace)/\(key.name)") }
        }
        return result.sorted()
    }
}
