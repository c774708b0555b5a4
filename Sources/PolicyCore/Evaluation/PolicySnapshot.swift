/// Everything the evaluator needs from the store at one revision.
public struct PolicySnapshot: Sendable {
    public var revision: Int64
    public private(set) var namespaces: [String: Namespace] = [:]
    public private(set) var pods: [ObjectKey: Pod] = [:]
    public private(set) var networkPolicies: [ObjectKey: NetworkPolicy] = [:]
    public private(set) var calicoPolicies: [ObjectKey: CalicoPolicy] = [:]
    public private(set) var workloads: [ObjectKey: Workload] = [:]
    public private(set) var services: [ObjectKey: Service] = [:]
    public private(set) var nodes: [String: ClusterNode] = [:]
    /// The Tier objects stored (the built-in tiers exist without them).
    public private(set) var tiers: [String: PolicyTier] = [:]
    public private(set) var clusterPolicies: [ObjectKey: ClusterNetworkPolicy] = [:]
    public private(set) var stagedPolicies: [ObjectKey: StagedPolicy] = [:]

    public init(revision: Int64 = 0) {
        self.revision = revision
    }

    public init(revision: Int64, models: [DecodedObject.Model]) {
        self.revision = revision
        for model in models { upsert(model) }
    }

    /// Adds or replaces the object.
    public mutating func upsert(_ model: DecodedObject.Model) {
        switch model {
        case .namespace(let namespace): namespaces[namespace.name] = namespace
        case .pod(let pod): pods[ObjectKey(kind: .pod, namespace: pod.namespace, name: pod.name)] = pod
        case .networkPolicy(let policy):
            networkPolicies[ObjectKey(kind: .networkPolicy, namespace: policy.namespace, name: policy.name)] = policy
        case .calicoPolicy(let policy):
            calicoPolicies[policy.key] = policy
        case .workload(let workload): workloads[workload.key] = workload
        case .service(let service): services[service.key] = service
        case .node(let node): nodes[node.name] = node
        case .tier(let tier): tiers[tier.name] = tier
        case .clusterPolicy(let policy): clusterPolicies[policy.key] = policy
        case .staged(let staged): stagedPolicies[staged.key] = staged
        }
    }

    /// Removes the object (a namespace takes what lives in it along).
    public mutating func remove(_ key: ObjectKey) {
        switch key.kind {
        case .namespace:
            namespaces[key.name] = nil
            pods = pods.filter { $0.key.namespace != key.name }
            networkPolicies = networkPolicies.filter { $0.key.namespace != key.name }
            calicoPolicies = calicoPolicies.filter { $0.key.namespace != key.name }
            workloads = workloads.filter { $0.key.namespace != key.name }
            services = services.filter { $0.key.namespace != key.name }
            stagedPolicies = stagedPolicies.filter { $0.key.namespace != key.name }
        case .pod: pods[key] = nil
        case .networkPolicy: networkPolicies[key] = nil
        case .globalNetworkPolicy, .calicoNetworkPolicy: calicoPolicies[key] = nil
        case .deployment, .statefulSet, .daemonSet, .replicaSet, .job, .cronJob, .replicationController: workloads[key] = nil
        case .service: services[key] = nil
        case .node: nodes[key.name] = nil
        case .tier: tiers[key.name] = nil
        case .clusterNetworkPolicy, .adminNetworkPolicy, .baselineAdminNetworkPolicy: clusterPolicies[key] = nil
        case .stagedGlobalNetworkPolicy, .stagedNetworkPolicy, .stagedKubernetesNetworkPolicy: stagedPolicies[key] = nil
        }
    }

    /// The tier of this name: a stored Tier, or a built-in one.
    public func tier(named name: String) -> PolicyTier? { tiers[name] ?? PolicyTier.builtIn[name] }

    /// The changes that would make the enforced policies what the staged policies say.
    public var stagedChanges: [CompiledPolicySet.Change] {
        stagedPolicies.values.sorted { $0.key < $1.key }.map { staged in
            staged.action == .set ? .upsert(staged.policy) : .remove(staged.target)
        }
    }
}
