import PolicyCore

/// What API discovery says about each kind netpold stores. Every switch here names every kind, so a
/// new kind does not compile until discovery knows it.
extension ResourceKind {
    /// The verbs discovery advertises: what the object routes answer, `patch` and `watch` included.
    static let discoveryVerbs = ["create", "delete", "get", "list", "patch", "update", "watch"]

    /// The singular resource name: the kind in lower case (`networkpolicy`).
    var singularName: String { kind.lowercased() }

    /// The short names discovery advertises: ``ResourceKind/shortNames`` for the Kubernetes and admin
    /// kinds, and for the Calico kinds the ones Calico's API server registers, except `cnp` for Calico
    /// NetworkPolicies: the ClusterNetworkPolicy CRD claims it, and `kubectl get cnp` means that.
    var discoveryShortNames: [String] {
        switch self {
        case .globalNetworkPolicy: ["gnp", "cgnp", "calicoglobalnetworkpolicies"]
        case .calicoNetworkPolicy: ["caliconetworkpolicy", "caliconetworkpolicies"]
        case .stagedGlobalNetworkPolicy: ["sgnp"]
        case .stagedNetworkPolicy: ["snp"]
        case .stagedKubernetesNetworkPolicy: ["sknp"]
        case .tier: []
        case .namespace, .pod, .networkPolicy, .deployment, .statefulSet, .daemonSet, .replicaSet, .job, .cronJob,
            .replicationController, .service, .node, .clusterNetworkPolicy, .adminNetworkPolicy,
            .baselineAdminNetworkPolicy:
            shortNames
        }
    }

    /// The categories discovery advertises: the kinds `kubectl get all` lists, as the API server has them.
    var categories: [String] {
        switch self {
        case .pod, .service, .replicationController, .deployment, .statefulSet, .daemonSet, .replicaSet, .job, .cronJob:
            ["all"]
        case .namespace, .networkPolicy, .globalNetworkPolicy, .calicoNetworkPolicy, .node, .tier, .clusterNetworkPolicy,
            .adminNetworkPolicy, .baselineAdminNetworkPolicy, .stagedGlobalNetworkPolicy, .stagedNetworkPolicy,
            .stagedKubernetesNetworkPolicy:
            []
        }
    }

    /// True for the kinds the Kubernetes API server itself serves (the rest come from CRDs or Calico's
    /// API server): their OpenAPI schema names follow the `io.k8s.api.<group>.<version>` pattern.
    var isBuiltIn: Bool {
        switch self {
        case .namespace, .pod, .networkPolicy, .deployment, .statefulSet, .daemonSet, .replicaSet, .job, .cronJob,
            .replicationController, .service, .node:
            true
        case .globalNetworkPolicy, .calicoNetworkPolicy, .tier, .clusterNetworkPolicy, .adminNetworkPolicy,
            .baselineAdminNetworkPolicy, .stagedGlobalNetworkPolicy, .stagedNetworkPolicy, .stagedKubernetesNetworkPolicy:
            false
        }
    }
}
