/// The kinds of object netpold stores.
public enum ResourceKind: String, Sendable, Hashable, CaseIterable, Comparable {
    case namespace = "Namespace"
    case pod = "Pod"
    case networkPolicy = "NetworkPolicy"
    case globalNetworkPolicy = "GlobalNetworkPolicy"
    case calicoNetworkPolicy = "CalicoNetworkPolicy"
    case deployment = "Deployment"
    case statefulSet = "StatefulSet"
    case daemonSet = "DaemonSet"
    case replicaSet = "ReplicaSet"
    case job = "Job"
    case cronJob = "CronJob"
    case replicationController = "ReplicationController"
    case service = "Service"
    case node = "Node"
    case tier = "Tier"
    case clusterNetworkPolicy = "ClusterNetworkPolicy"
    case adminNetworkPolicy = "AdminNetworkPolicy"
    case baselineAdminNetworkPolicy = "BaselineAdminNetworkPolicy"
    case stagedGlobalNetworkPolicy = "StagedGlobalNetworkPolicy"
    case stagedNetworkPolicy = "StagedNetworkPolicy"
    case stagedKubernetesNetworkPolicy = "StagedKubernetesNetworkPolicy"

    /// The Kubernetes kind name (both NetworkPolicy kinds are called `NetworkPolicy`).
    public var kind: String {
        self == .calicoNetworkPolicy ? "NetworkPolicy" : rawValue
    }

    /// The API group (`""` for the core group).
    public var group: String {
        switch self {
        case .namespace, .pod, .replicationController, .service, .node: ""
        case .networkPolicy: "networking.k8s.io"
        case .globalNetworkPolicy, .calicoNetworkPolicy, .tier, .stagedGlobalNetworkPolicy, .stagedNetworkPolicy,
            .stagedKubernetesNetworkPolicy:
            "projectcalico.org"
        case .clusterNetworkPolicy, .adminNetworkPolicy, .baselineAdminNetworkPolicy: "policy.networking.k8s.io"
        case .deployment, .statefulSet, .daemonSet, .replicaSet: "apps"
        case .job, .cronJob: "batch"
        }
    }

    /// The API version within the group.
    public var version: String {
        switch self {
        case .globalNetworkPolicy, .calicoNetworkPolicy, .tier, .stagedGlobalNetworkPolicy, .stagedNetworkPolicy,
            .stagedKubernetesNetworkPolicy:
            "v3"
        case .clusterNetworkPolicy: "v1alpha2"
        case .adminNetworkPolicy, .baselineAdminNetworkPolicy: "v1alpha1"
        default: "v1"
        }
    }

    /// `v1` or `group/version`.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// The plural resource name in URLs.
    public var plural: String {
        switch self {
        case .namespace: "namespaces"
        case .pod: "pods"
        case .networkPolicy, .calicoNetworkPolicy: "networkpolicies"
        case .globalNetworkPolicy: "globalnetworkpolicies"
        case .deployment: "deployments"
        case .statefulSet: "statefulsets"
        case .daemonSet: "daemonsets"
        case .replicaSet: "replicasets"
        case .job: "jobs"
        case .cronJob: "cronjobs"
        case .replicationController: "replicationcontrollers"
        case .service: "services"
        case .node: "nodes"
        case .tier: "tiers"
        case .clusterNetworkPolicy: "clusternetworkpolicies"
        case .adminNetworkPolicy: "adminnetworkpolicies"
        case .baselineAdminNetworkPolicy: "baselineadminnetworkpolicies"
        case .stagedGlobalNetworkPolicy: "stagedglobalnetworkpolicies"
        case .stagedNetworkPolicy: "stagednetworkpolicies"
        case .stagedKubernetesNetworkPolicy: "stagedkubernetesnetworkpolicies"
        }
    }

    /// True for kinds that live inside a namespace.
    public var isNamespaced: Bool {
        switch self {
        case .namespace, .globalNetworkPolicy, .node, .tier, .clusterNetworkPolicy, .adminNetworkPolicy,
            .baselineAdminNetworkPolicy, .stagedGlobalNetworkPolicy:
            false
        default: true
        }
    }

    /// True for the policy kinds that are enforced (staged policies are not).
    public var isPolicy: Bool {
        switch self {
        case .networkPolicy, .globalNetworkPolicy, .calicoNetworkPolicy, .clusterNetworkPolicy, .adminNetworkPolicy,
            .baselineAdminNetworkPolicy:
            true
        default: false
        }
    }

    /// True for the kinds of the network-policy-api (admin policies, cluster-scoped, in the `kube-admin` or `kube-baseline` tier).
    public var isClusterPolicy: Bool {
        self == .clusterNetworkPolicy || self == .adminNetworkPolicy || self == .baselineAdminNetworkPolicy
    }

    /// True for Calico's staged policy kinds.
    public var isStaged: Bool {
        self == .stagedGlobalNetworkPolicy || self == .stagedNetworkPolicy || self == .stagedKubernetesNetworkPolicy
    }

    /// True for the kinds that run pods from a pod template.
    public var isWorkload: Bool {
        switch self {
        case .deployment, .statefulSet, .daemonSet, .replicaSet, .job, .cronJob, .replicationController: true
        default: false
        }
    }

    /// The short names kubectl accepts for a kind, besides its kind, singular and plural (any case).
    public var shortNames: [String] {
        switch self {
        case .namespace: ["ns"]
        case .pod: ["po"]
        case .networkPolicy: ["netpol"]
        case .deployment: ["deploy"]
        case .statefulSet: ["sts"]
        case .daemonSet: ["ds"]
        case .replicaSet: ["rs"]
        case .cronJob: ["cj"]
        case .replicationController: ["rc"]
        case .service: ["svc"]
        case .node: ["no"]
        case .clusterNetworkPolicy: ["cnp"]
        case .adminNetworkPolicy: ["anp"]
        case .baselineAdminNetworkPolicy: ["banp"]
        default: []
        }
    }

    /// The kind a person names as kubectl would take it: `Deployment`, `deployment`, `deployments`,
    /// `deploy`, `deployment.apps`, in any case. The Calico kinds are not named this way.
    public init?(alias: String) {
        var name = alias.lowercased()
        if let dot = name.firstIndex(of: ".") {
            let group = String(name[name.index(after: dot)...])
            name = String(name[..<dot])
            guard let match = ResourceKind.allCases.first(where: { $0.group == group && $0.matches(alias: name) }) else {
                return nil
            }
            self = match
            return
        }
        guard let match = ResourceKind.allCases.first(where: { $0.matches(alias: name) }) else { return nil }
        self = match
    }

    private func matches(alias: String) -> Bool {
        guard self != .globalNetworkPolicy, self != .calicoNetworkPolicy else { return false }
        return alias == kind.lowercased() || alias == plural || shortNames.contains(alias)
    }

    /// The name kubectl and calicoctl print: `pod`, `networkpolicy.networking.k8s.io`.
    public var displayName: String {
        group.isEmpty ? kind.lowercased() : "\(kind.lowercased()).\(group)"
    }

    /// The order objects are created in a bundle: namespaces before what lives in them.
    public var applyRank: Int {
        switch self {
        case .namespace: 0
        case .node: 1
        case .tier: 2
        case .pod: 3
        case .networkPolicy: 4
        case .globalNetworkPolicy: 5
        case .calicoNetworkPolicy: 6
        case .clusterNetworkPolicy: 7
        case .adminNetworkPolicy: 8
        case .baselineAdminNetworkPolicy: 9
        case .stagedGlobalNetworkPolicy: 10
        case .stagedNetworkPolicy: 11
        case .stagedKubernetesNetworkPolicy: 12
        case .deployment: 13
        case .statefulSet: 14
        case .daemonSet: 15
        case .replicaSet: 16
        case .cronJob: 17
        case .job: 18
        case .replicationController: 19
        case .service: 20
        }
    }

    /// The kind named by a document's `apiVersion` and `kind`, if netpold stores it.
    public init?(apiVersion: String, kind: String) {
        guard let match = ResourceKind.allCases.first(where: { $0.apiVersion == apiVersion && $0.kind == kind })
        else { return nil }
        self = match
    }

    public static func < (lhs: ResourceKind, rhs: ResourceKind) -> Bool { lhs.applyRank < rhs.applyRank }
}

/// What identifies a stored object: kind, namespace (empty for cluster-scoped kinds) and name.
public struct ObjectKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var kind: ResourceKind
    public var namespace: String
    public var name: String

    public init(kind: ResourceKind, namespace: String, name: String) {
        self.kind = kind
        self.namespace = kind.isNamespaced ? namespace : ""
        self.name = name
    }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.kind.applyRank, lhs.namespace, lhs.name) < (rhs.kind.applyRank, rhs.namespace, rhs.name)
    }

    public var description: String {
        namespace.isEmpty ? "\(kind.displayName)/\(name)" : "\(kind.displayName)/\(namespace)/\(name)"
    }
}
