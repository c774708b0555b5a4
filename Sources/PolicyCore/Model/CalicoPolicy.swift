/// A Calico `projectcalico.org/v3` GlobalNetworkPolicy or namespaced NetworkPolicy, validated and defaulted.
public struct CalicoPolicy: Sendable, Hashable {
    public enum Action: String, Sendable, Hashable, CaseIterable {
        case allow = "Allow"
        case deny = "Deny"
        case log = "Log"
        case pass = "Pass"
    }

    /// A port, an inclusive range, or a name resolved on the endpoint.
    public enum PortEntry: Sendable, Hashable {
        case range(Int, Int)
        case named(String)
    }

    /// One side of a rule: all present criteria must hold.
    public struct EntityRule: Sendable, Hashable {
        public var nets: [CIDR] = []
        public var notNets: [CIDR] = []
        public var selector: CalicoSelector?
        public var notSelector: CalicoSelector?
        public var namespaceSelector: CalicoSelector? {
            didSet { namespaceScope = namespaceSelector?.prefixingKeys(with: "pcns.") }
        }
        /// `namespaceSelector` rewritten over the `pcns.` labels endpoints inherit from their namespace.
        public private(set) var namespaceScope: CalicoSelector?
        public var ports: [PortEntry] = []
        public var notPorts: [PortEntry] = []

        public init() {}

        /// True when the entity constrains which endpoint it is (and so is scoped, see SEMANTICS §5).
        public var usesSelectors: Bool { selector != nil || notSelector != nil || namespaceSelector != nil }
    }

    public struct Rule: Sendable, Hashable {
        public var action: Action
        /// IP protocol number (TCP 6, UDP 17, SCTP 132, ...).
        public var `protocol`: UInt8?
        public var notProtocol: UInt8?
        public var ipVersion: Int?
        public var source = EntityRule()
        public var destination = EntityRule()
        /// ICMP type/code criteria: decisions are asked for TCP, UDP and SCTP only, so a rule with
        /// `icmp` can never match one, and one with `notICMP` always does.
        public var hasICMP = false

        public init(action: Action) { self.action = action }
    }

    public var namespace: String?
    public var name: String
    /// The tier the policy is evaluated in (``PolicyTier/defaultName`` when the policy names none).
    public var tier: String = PolicyTier.defaultName
    /// nil means +infinity: after every ordered policy.
    public var order: Double?
    public var selector: CalicoSelector
    /// GlobalNetworkPolicy only: over the labels of the endpoint's namespace.
    public var namespaceSelector: CalicoSelector?
    public var appliesToIngress: Bool
    public var appliesToEgress: Bool
    public var ingress: [Rule]
    public var egress: [Rule]

    public init(
        namespace: String?, name: String, order: Double? = nil, selector: CalicoSelector = .all,
        namespaceSelector: CalicoSelector? = nil, appliesToIngress: Bool = true, appliesToEgress: Bool = false,
        ingress: [Rule] = [], egress: [Rule] = []
    ) {
        self.namespace = namespace
        self.name = name
        self.order = order
        self.selector = selector
        self.namespaceSelector = namespaceSelector
        self.appliesToIngress = appliesToIngress
        self.appliesToEgress = appliesToEgress
        self.ingress = ingress
        self.egress = egress
    }

    /// The store key of the policy.
    public var key: ObjectKey {
        namespace.map { ObjectKey(kind: .calicoNetworkPolicy, namespace: $0, name: name) }
            ?? ObjectKey(kind: .globalNetworkPolicy, namespace: "", name: name)
    }

    /// The protocol names Calico accepts, with their numbers.
    public static let protocolNumbers: [String: UInt8] = [
        "TCP": 6, "UDP": 17, "ICMP": 1, "ICMPv6": 58, "SCTP": 132, "UDPLite": 136,
    ]
}

extension TransportProtocol {
    /// The IP protocol number.
    public var number: UInt8 {
        switch self {
        case .tcp: 6
        case .udp: 17
        case .sctp: 132
        }
    }
}
