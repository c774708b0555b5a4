/// A cluster-wide administrator policy of Kubernetes' network-policy-api, validated and defaulted:
/// a `ClusterNetworkPolicy` (v1alpha2), or its predecessors `AdminNetworkPolicy` and
/// `BaselineAdminNetworkPolicy` (v1alpha1), which say the same things with other words
/// (`Allow` for `Accept`, `ports` for `protocols`). SEMANTICS.md §7.
public struct ClusterNetworkPolicy: Sendable, Hashable {
    /// Where the policy sits: before NetworkPolicies (`kube-admin`) or after them (`kube-baseline`).
    public enum Level: String, Sendable, Hashable, CaseIterable {
        case admin = "Admin"
        case baseline = "Baseline"

        /// The name of the tier the policy is evaluated in.
        public var tierName: String { self == .admin ? PolicyTier.adminName : PolicyTier.baselineName }
    }

    /// A rule's action (v1alpha1's `Allow` is read as `Accept`).
    public enum Action: String, Sendable, Hashable, CaseIterable {
        case accept = "Accept"
        case deny = "Deny"
        case pass = "Pass"
    }

    /// Pods in namespaces: both selectors must match.
    public struct PodsSelection: Sendable, Hashable {
        public var namespaceSelector: LabelSelector
        public var podSelector: LabelSelector

        public init(namespaceSelector: LabelSelector = .everything, podSelector: LabelSelector = .everything) {
            self.namespaceSelector = namespaceSelector
            self.podSelector = podSelector
        }
    }

    /// The pods the policy applies to.
    public enum Subject: Sendable, Hashable {
        /// Every pod of the namespaces the selector matches.
        case namespaces(LabelSelector)
        case pods(PodsSelection)
    }

    /// One peer of a rule (exactly one field of the upstream peer object).
    public enum Peer: Sendable, Hashable {
        case namespaces(LabelSelector)
        case pods(PodsSelection)
        /// Egress only: address blocks, which match pod addresses too.
        case networks([CIDR])
        /// Egress only (experimental): the addresses in `status.addresses` of the Nodes the selector matches.
        case nodes(LabelSelector)
        /// Egress only, `Accept` only (experimental): destinations asked by host name.
        case domainNames([String])
    }

    /// One destination-port criterion; a rule matches when any of its criteria does.
    public enum Port: Sendable, Hashable {
        /// An inclusive range (a single port is `start == end`) of one protocol.
        case range(TransportProtocol, Int, Int)
        /// A container port name, resolved on the destination pod with its own protocol.
        case named(String)
    }

    public struct Rule: Sendable, Hashable {
        /// The rule's optional name, shown in explanations.
        public var name: String?
        public var action: Action
        /// `from` for ingress rules, `to` for egress rules; ORed.
        public var peers: [Peer]
        /// Empty: every protocol and port.
        public var ports: [Port]

        public init(name: String? = nil, action: Action, peers: [Peer], ports: [Port] = []) {
            self.name = name
            self.action = action
            self.peers = peers
            self.ports = ports
        }
    }

    /// `clusterNetworkPolicy`, `adminNetworkPolicy` or `baselineAdminNetworkPolicy`.
    public var kind: ResourceKind
    public var name: String
    public var level: Level
    /// The order inside the tier, lower first; nil (a BaselineAdminNetworkPolicy) sorts after every number.
    public var priority: Int?
    public var subject: Subject
    public var ingress: [Rule]
    public var egress: [Rule]

    public init(
        kind: ResourceKind = .clusterNetworkPolicy, name: String, level: Level, priority: Int?, subject: Subject,
        ingress: [Rule] = [], egress: [Rule] = []
    ) {
        self.kind = kind
        self.name = name
        self.level = level
        self.priority = priority
        self.subject = subject
        self.ingress = ingress
        self.egress = egress
    }

    /// The store key of the policy.
    public var key: ObjectKey { ObjectKey(kind: kind, namespace: "", name: name) }

    /// True when a rule has a `nodes` peer, whose addresses come from the stored Nodes.
    public var readsNodes: Bool {
        (ingress + egress).contains { rule in
            rule.peers.contains { if case .nodes = $0 { true } else { false } }
        }
    }
}
