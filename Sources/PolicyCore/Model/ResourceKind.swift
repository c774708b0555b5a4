/// The kinds of object netpold stores.
public enum ResourceKind: String, Sendable, Hashable, CaseIterable, Comparable {
    case namespace = "Namespace"
    case pod = "Pod"
    case networkPolicy = "NetworkPolicy"
    case globalNetworkPolicy = "GlobalNetworkPolicy"
    case calicoNetworkPolicy = "CalicoNetworkPolicy"

    /// The Kubernetes kind name (both NetworkPolicy kinds are called `NetworkPolicy`).
    public var kind: String {
        self == .calicoNetworkPolicy ? "NetworkPolicy" : rawValue
    }

    /// The API group (`""` for the core group).
    public var group: String {
        switch self {
        case .namespace, .pod: ""
        case .networkPolicy: "networking.k8s.io"
        case .globalNetworkPolicy, .calicoNetworkPolicy: "projectcalico.org"
        }
    }

    /// The API version within the group.
    public var version: String {
        switch self {
        case .globalNetworkPolicy, .calicoNetworkPolicy: "v3"
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
        }
    }

    /// True for kinds that live inside a namespace.
    public var isNamespaced: Bool { self != .namespace && self != .globalNetworkPolicy }

    /// True for the policy kinds.
    public var isPolicy: Bool { self == .networkPolicy || self == .globalNetworkPolicy || self == .calicoNetworkPolicy }

    /// The name kubectl and calicoctl print: `pod`, `networkpolicy.networking.k8s.io`.
    public var displayName: String {
        group.isEmpty ? kind.lowercased() : "\(kind.lowercased()).\(group)"
    }

    /// The order objects are created in a bundle: namespaces before what lives in them.
    public var applyRank: Int {
        switch self {
        case .namespace: 0
        case .pod: 1
        case .networkPolicy: 2
        case .globalNetworkPolicy: 3
        case .calicoNetworkPolicy: 4
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
