/// A Kubernetes `networking.k8s.io/v1` NetworkPolicy, as validated and defaulted.
public struct NetworkPolicy: Sendable, Hashable {
    /// A peer: pods by selectors, or addresses by block. Fields inside one peer are ANDed.
    public struct Peer: Sendable, Hashable {
        public var podSelector: LabelSelector?
        public var namespaceSelector: LabelSelector?
        public var ipBlock: IPBlock?

        public init(podSelector: LabelSelector? = nil, namespaceSelector: LabelSelector? = nil, ipBlock: IPBlock? = nil) {
            self.podSelector = podSelector
            self.namespaceSelector = namespaceSelector
            self.ipBlock = ipBlock
        }
    }

    /// An address block with holes.
    public struct IPBlock: Sendable, Hashable {
        public var cidr: CIDR
        public var except: [CIDR]

        public init(cidr: CIDR, except: [CIDR] = []) {
            self.cidr = cidr
            self.except = except
        }

        public func contains(_ address: IPAddress) -> Bool {
            cidr.contains(address) && !except.contains { $0.contains(address) }
        }
    }

    /// A port or port range, by number or by name.
    public struct Port: Sendable, Hashable {
        public enum Target: Sendable, Hashable {
            /// Every port of the protocol.
            case any
            case number(Int, endPort: Int)
            case name(String)
        }

        public var `protocol`: TransportProtocol
        public var target: Target

        public init(protocol: TransportProtocol, target: Target) {
            self.protocol = `protocol`
            self.target = target
        }
    }

    /// One rule: allowed when any peer matches (or there are none) and any port matches (or there are none).
    public struct Rule: Sendable, Hashable {
        public var peers: [Peer]
        public var ports: [Port]

        public init(peers: [Peer] = [], ports: [Port] = []) {
            self.peers = peers
            self.ports = ports
        }
    }

    public var namespace: String
    public var name: String
    public var podSelector: LabelSelector
    public var ingress: [Rule]
    public var egress: [Rule]
    /// The effective policy types after defaulting.
    public var appliesToIngress: Bool
    public var appliesToEgress: Bool

    public init(
        namespace: String, name: String, podSelector: LabelSelector = .everything, ingress: [Rule] = [],
        egress: [Rule] = [], appliesToIngress: Bool = true, appliesToEgress: Bool = false
    ) {
        self.namespace = namespace
        self.name = name
        self.podSelector = podSelector
        self.ingress = ingress
        self.egress = egress
        self.appliesToIngress = appliesToIngress
        self.appliesToEgress = appliesToEgress
    }
}
