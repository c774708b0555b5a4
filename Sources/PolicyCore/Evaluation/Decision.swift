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

/// A tier that passed a connection on to the next applicable tier.
public struct TierPass: Sendable, Hashable {
    public var tier: String
    /// The policy and rule whose Pass action did it; nil when the tier's default action did.
    public var policy: PolicyReference?
    public var rule: Int?
    public var ruleName: String?

    public init(tier: String, policy: PolicyReference? = nil, rule: Int? = nil, ruleName: String? = nil) {
        self.tier = tier
        self.policy = policy
        self.rule = rule
        self.ruleName = ruleName
    }
}

/// The verdict for one direction of one pod.
public struct SideDecision: Sendable, Hashable {
    public enum Reason: String, Sendable, Hashable {
        case notIsolated = "NotIsolated"
        case allowedByPolicy = "AllowedByPolicy"
        case deniedByPolicy = "DeniedByPolicy"
        case noRuleMatched = "NoRuleMatched"
        /// Every applicable tier passed the connection on (a Pass rule or a tier's default action): allowed.
        case passedThrough = "PassedThrough"
    }

    public var allowed: Bool
    public var reason: Reason
    /// The policy whose rule decided, when one did.
    public var policy: PolicyReference?
    /// The index of the deciding rule in that policy's rules for this direction.
    public var rule: Int?
    /// The deciding rule's action (`Allow`, `Deny`, `Pass`; `Accept` for admin policies).
    public var action: String?
    /// The deciding rule's name, for kinds whose rules have names (ClusterNetworkPolicy).
    public var ruleName: String?
    /// The tier of the deciding rule, or the tier whose default action denied (`NoRuleMatched`).
    public var tier: String?
    /// The applicable tiers that passed the connection on before the verdict, in order, each with
    /// the Pass rule that did it (none when it was the tier's default action). For `PassedThrough`,
    /// every applicable tier.
    public var passed: [TierPass]? {
        get { explicitPassed ?? trace.map(\.passes) }
        set {
            explicitPassed = newValue
            trace = nil
        }
    }
    private var explicitPassed: [TierPass]?
    /// What the compiled walk recorded, turned into ``TierPass`` values only when read.
    var trace: PassTrace?
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
    /// The compiled policy behind ``policy``, when the compiled walk decided: its reference is
    /// written from the bytes it carries encoded, not escaped again per answer.
    var decidingPolicy: CompiledPolicy?
    private var explicitPolicies: [PolicyReference] = []
    /// For an every-port question: the ports this side allows.
    public var ports: PortSet?

    public init(
        allowed: Bool, reason: Reason, policy: PolicyReference? = nil, rule: Int? = nil, action: String? = nil,
        ruleName: String? = nil, tier: String? = nil, passed: [TierPass]? = nil, policies: [PolicyReference] = [],
        ports: PortSet? = nil
    ) {
        self.allowed = allowed
        self.reason = reason
        self.policy = policy
        self.rule = rule
        self.action = action
        self.ruleName = ruleName
        self.tier = tier
        self.explicitPassed = passed
        self.explicitPolicies = policies
        self.ports = ports
    }

    init(
        allowed: Bool, reason: Reason, policy: PolicyReference? = nil, rule: Int? = nil, action: String? = nil,
        ruleName: String? = nil, tier: String? = nil, passed: [TierPass]? = nil, applied: [CompiledPolicy],
        ports: PortSet? = nil
    ) {
        self.init(
            allowed: allowed, reason: reason, policy: policy, rule: rule, action: action, ruleName: ruleName, tier: tier,
            passed: passed, ports: ports)
        self.applied = applied
    }

    public static func == (lhs: SideDecision, rhs: SideDecision) -> Bool {
        lhs.allowed == rhs.allowed && lhs.reason == rhs.reason && lhs.policy == rhs.policy && lhs.rule == rhs.rule
            && lhs.action == rhs.action && lhs.ruleName == rhs.ruleName && lhs.tier == rhs.tier
            && lhs.passed == rhs.passed && lhs.policies == rhs.policies && lhs.ports == rhs.ports
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(allowed)
        hasher.combine(reason)
        hasher.combine(policy)
        hasher.combine(rule)
        hasher.combine(policies)
    }
}

/// One pod (or pod template) a workload or Service stands for, and its own verdict.
public struct Backend: Sendable, Hashable {
    /// The source pod or workload, when both sides stand for several (each pair is an entry).
    public var from: String?
    /// The pod, `ns/name`; nil for a workload without pods.
    public var pod: String?
    /// The workload without pods, `ns/name[Kind]`.
    public var workload: String?
    /// For a Service: the Service port asked about.
    public var servicePort: Int?
    /// The port the connection reaches (a Service's targetPort resolved for this backend).
    public var port: Int?
    public var allowed: Bool
    public var egress: SideDecision?
    public var ingress: SideDecision?
    /// For an every-port question about a workload: the ports allowed end to end.
    public var ports: PortSet?
    /// Why the backend cannot be reached at all (a named targetPort it does not declare).
    public var message: String?

    public init(
        from: String? = nil, pod: String? = nil, workload: String? = nil, servicePort: Int? = nil, port: Int? = nil,
        allowed: Bool, egress: SideDecision? = nil, ingress: SideDecision? = nil, ports: PortSet? = nil, message: String? = nil
    ) {
        self.from = from
        self.pod = pod
        self.workload = workload
        self.servicePort = servicePort
        self.port = port
        self.allowed = allowed
        self.egress = egress
        self.ingress = ingress
        self.ports = ports
        self.message = message
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
    /// For a workload or Service: every pod (or pod template) it stands for, with its own verdict.
    public var backends: [Backend]?

    public init(
        allowed: Bool, revision: Int64, egress: SideDecision?, ingress: SideDecision?, ports: PortSet? = nil,
        backends: [Backend]? = nil
    ) {
        self.allowed = allowed
        self.revision = revision
        self.egress = egress
        self.ingress = ingress
        self.ports = ports
        self.backends = backends
    }
}
