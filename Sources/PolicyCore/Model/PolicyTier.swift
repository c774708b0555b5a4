/// A Calico `Tier` (`projectcalico.org/v3`): a group of policies evaluated together, in `order`
/// among the other tiers, with the action taken when a policy of the tier applies to an endpoint
/// and none of the tier's rules decides. SEMANTICS.md §7.
public struct PolicyTier: Sendable, Hashable {
    /// What happens at the end of an applicable tier that made no decision.
    public enum DefaultAction: String, Sendable, Hashable, CaseIterable {
        case deny = "Deny"
        case pass = "Pass"
    }

    public var name: String
    /// nil: after every ordered tier.
    public var order: Double?
    public var defaultAction: DefaultAction

    public init(name: String, order: Double?, defaultAction: DefaultAction = .deny) {
        self.name = name
        self.order = order
        self.defaultAction = defaultAction
    }

    /// The tier of Kubernetes NetworkPolicies and of Calico policies that name none.
    public static let defaultName = "default"
    /// The tier of admin ClusterNetworkPolicies and AdminNetworkPolicies.
    public static let adminName = "kube-admin"
    /// The tier of baseline ClusterNetworkPolicies and the BaselineAdminNetworkPolicy.
    public static let baselineName = "kube-baseline"

    /// The tiers that exist without being created, with the only settings Calico lets them have.
    public static let builtIn: [String: PolicyTier] = [
        defaultName: PolicyTier(name: defaultName, order: 1_000_000, defaultAction: .deny),
        adminName: PolicyTier(name: adminName, order: 1_000, defaultAction: .pass),
        baselineName: PolicyTier(name: baselineName, order: 10_000_000, defaultAction: .pass),
    ]

    /// The store key of the tier.
    public var key: ObjectKey { ObjectKey(kind: .tier, namespace: "", name: name) }
}
