/// Names a policy in an explanation.
public struct PolicyReference: Sendable, Hashable {
    public var kind: String
    /// Tells the two `NetworkPolicy` kinds apart.
    public var apiVersion: String
    public var namespace: String?
    public var name: String

    public init(kind: String, apiVersion: String = "networking.k8s.io/v1", namespace: String?, name: String) {
        self.kind = kind
        self.apiVersion = apiVersion
        self.namespace = namespace
        self.name = name
    }
}

/// The verdict for one direction of one pod.
public struct SideDecision: Sendable, Hashable {
    public enum Reason: String, Sendable, Hashable {
        case notIsolated = "NotIsolated"
        case allowedByPolicy = "AllowedByPolicy"
        case deniedByPolicy = "DeniedByPolicy"
        case noRuleMatched = "NoRuleMatched"
    }

    public var allowed: Bool
    public var reason: Reason
    /// The policy whose rule decided, when one did.
    public var policy: PolicyReference?
    /// The index of the deciding rule in that policy's rules for this direction.
    public var rule: Int?
    /// The deciding rule's action (`Allow`, `Deny`, `Pass`).
    public var action: String?
    /// The policies that applied, in evaluation order.
    public var policies: [PolicyReference] {
        get { applied?.map(\.reference) ?? explicitPolicies }
        set {
            explicitPolicies = newValue
            applied = nil
        }
    }
    /// Kept as the compiled list and turned into references only when read, so a decision
    /// does not build strings nobody asks for.
    private var applied: [CompiledPolicy]?
    var appliedPolicies: [CompiledPolicy]? { applied }
    private var explicitPolicies: [PolicyReference] = []
    /// For an every-port question: the ports this side allows.
    public var ports: PortSet?

    public init(
        allowed: Bool, reason: Reason, policy: PolicyReference? = nil, rule: Int? = nil, action: String? = nil,
        policies: [PolicyReference] = [], ports: PortSet? = nil
    ) {
        self.allowed = allowed
        self.reason = reason
        self.policy = policy
        self.rule = rule
        self.action = action
        self.explicitPolicies = policies
        self.ports = ports
    }

    init(
        allowed: Bool, reason: Reason, policy: PolicyReference? = nil, rule: Int? = nil, action: String? = nil,
        applied: [CompiledPolicy], ports: PortSet? = nil
    ) {
        self.init(allowed: allowed, reason: reason, policy: policy, rule: rule, action: action, ports: ports)
        self.applied = applied
    }

    public static func == (lhs: SideDecision, rhs: SideDecision) -> Bool {
        lhs.allowed == rhs.allowed && lhs.reason == rhs.reason && lhs.policy == rhs.policy && lhs.rule == rhs.rule
            && lhs.action == rhs.action && lhs.policies == rhs.policies && lhs.ports == rhs.ports
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(allowed)
        hasher.combine(reason)
        hasher.combine(policy)
        hasher.combine(rule)
        hasher.combine(policies)
    }
}

/// The answer to a ``DecisionRequest``.
public struct Decision: Sendable, Hashable {
    public var allowed: Bool
    /// The store revision the answer was made on.
    public var revision: Int64
    /// The source pod's egress verdict; nil when the source is not a pod.
    public var egress: SideDecision?
    /// The destination pod's ingress verdict; nil when the destination is not a pod.
    public var ingress: SideDecision?
    /// For an every-port question: the ports allowed end to end.
    public var ports: PortSet?

    public init(allowed: Bool, revision: Int64, egress: SideDecision?, ingress: SideDecision?, ports: PortSet? = nil) {
        self.allowed = allowed
        self.revision = revision
        self.egress = egress
        self.ingress = ingress
        self.ports = ports
    }
}
