/// A policy of either family, placed in Calico's single evaluation order (SEMANTICS.md §3).
///
/// A class: pods' applicable-policy lists share one instance, and updates find it by identity.
final class CompiledPolicy: Sendable {
    enum Body {
        case kubernetes(NetworkPolicy)
        case calico(CalicoPolicy)
    }

    let body: Body
    let reference: PolicyReference
    /// The tier the policy is evaluated in; policies sort by tier first.
    let tier: CompiledTier
    /// `order`, +infinity when unset; Kubernetes NetworkPolicies sit at 1000.
    let order: Double
    /// The tie-break among equal orders: Calico's key (`name`, `namespace/name`, `namespace/knp.default.name`).
    let sortKey: String
    let namespace: String?
    let appliesToIngress: Bool
    let appliesToEgress: Bool
    /// For a GlobalNetworkPolicy with a namespaceSelector: that selector over `pcns.` labels.
    let namespaceScope: CalicoSelector?
    /// The store key.
    let key: ObjectKey
    /// Labels of which a selected pod must carry one, for the policy index; nil when there are none.
    let indexPairs: [LabelPair]?
    /// `reference` as JSON, encoded once: answers list applied policies on every decision.
    let referenceJSON: [UInt8]
    /// The rules as objects: what the reference evaluator walks.
    let ingressRules: [CompiledRule]
    let egressRules: [CompiledRule]
    /// The rules flattened, per direction: the templates pods' ``RuleTable``s are built from.
    let ingressCode: RuleCode
    let egressCode: RuleCode
    /// For a policy converted from another kind: per direction, the source rule each rule came from
    /// (explanations name that one), and the source rules' names.
    private let origins: (ingress: [Int], egress: [Int])?
    /// The admin policy this one was converted from: compiled again when the Nodes it reads change.
    let clusterSource: ClusterNetworkPolicy?
    private let ruleNames: (ingress: [String?], egress: [String?])?

    init(_ policy: NetworkPolicy, tier: CompiledTier, interner: inout LabelInterner) {
        body = .kubernetes(policy)
        reference = PolicyReference(
            kind: "NetworkPolicy", apiVersion: "networking.k8s.io/v1", namespace: policy.namespace, name: policy.name)
        self.tier = tier
        origins = nil
        ruleNames = nil
        clusterSource = nil
        order = 1000
        sortKey = "\(policy.namespace)/knp.default.\(policy.name)"
        namespace = policy.namespace
        appliesToIngress = policy.appliesToIngress
        appliesToEgress = policy.appliesToEgress
        namespaceScope = nil
        key = ObjectKey(kind: .networkPolicy, namespace: policy.namespace, name: policy.name)
        indexPairs = policy.podSelector.requiredPairs
        referenceJSON = CompiledPolicy.encode(reference)
        ingressRules = policy.ingress.map { .kubernetes(KubernetesRule($0, namespace: policy.namespace)) }
        egressRules = policy.egress.map { .kubernetes(KubernetesRule($0, namespace: policy.namespace)) }
        ingressCode = RuleCode(kubernetes: policy.ingress, namespace: policy.namespace, interner: &interner)
        egressCode = RuleCode(kubernetes: policy.egress, namespace: policy.namespace, interner: &interner)
    }

    private static func encode(_ reference: PolicyReference) -> [UInt8] {
        var bytes: [UInt8] = []
        DecisionWriter.write(reference, into: &bytes)
        return bytes
    }

    convenience init(_ policy: CalicoPolicy, tier: CompiledTier, interner: inout LabelInterner) {
        let kind = policy.namespace == nil ? "GlobalNetworkPolicy" : "NetworkPolicy"
        self.init(
            policy,
            reference: PolicyReference(
                kind: kind, apiVersion: "projectcalico.org/v3", namespace: policy.namespace, name: policy.name),
            key: policy.key, tier: tier, origins: nil, ruleNames: nil, source: nil, interner: &interner)
    }

    /// An admin policy, evaluated as the GlobalNetworkPolicy it converts to (``ClusterPolicyConversion``).
    convenience init(
        _ policy: ClusterNetworkPolicy, nodes: [String: ClusterNode], tier: CompiledTier, interner: inout LabelInterner
    ) {
        let converted = ClusterPolicyConversion(policy, nodes: nodes)
        self.init(
            converted.policy,
            reference: PolicyReference(
                kind: policy.kind.kind, apiVersion: policy.kind.apiVersion, namespace: nil, name: policy.name),
            key: policy.key, tier: tier, origins: (converted.ingressOrigins, converted.egressOrigins),
            ruleNames: (policy.ingress.map(\.name), policy.egress.map(\.name)), source: policy, interner: &interner)
    }

    private init(
        _ policy: CalicoPolicy, reference: PolicyReference, key: ObjectKey, tier: CompiledTier,
        origins: (ingress: [Int], egress: [Int])?, ruleNames: (ingress: [String?], egress: [String?])?,
        source: ClusterNetworkPolicy?, interner: inout LabelInterner
    ) {
        clusterSource = source
        body = .calico(policy)
        self.reference = reference
        self.tier = tier
        self.origins = origins
        self.ruleNames = ruleNames
        order = policy.order ?? .infinity
        sortKey = policy.namespace.map { "\($0)/\(policy.name)" } ?? policy.name
        namespace = policy.namespace
        appliesToIngress = policy.appliesToIngress
        appliesToEgress = policy.appliesToEgress
        let scope = policy.namespaceSelector?.prefixingKeys(with: "pcns.")
        namespaceScope = scope
        self.key = key
        indexPairs = policy.selector.requiredPairs ?? scope?.requiredPairs
        referenceJSON = CompiledPolicy.encode(reference)
        ingressRules = policy.ingress.map { .calico(CalicoRule($0, namespace: policy.namespace)) }
        egressRules = policy.egress.map { .calico(CalicoRule($0, namespace: policy.namespace)) }
        ingressCode = RuleCode(
            calico: policy.ingress, namespace: policy.namespace, origins: origins?.ingress, interner: &interner)
        egressCode = RuleCode(calico: policy.egress, namespace: policy.namespace, origins: origins?.egress, interner: &interner)
    }

    /// The index explanations give the rule at `position` of a direction's rules: its own, or that
    /// of the source rule it was converted from.
    func ruleIndex(_ position: Int, egress: Bool) -> Int {
        guard let origins else { return position }
        return egress ? origins.egress[position] : origins.ingress[position]
    }

    /// The action as the policy's kind spells it: a ClusterNetworkPolicy's `Accept` is Calico's `Allow`.
    func actionName(_ action: CalicoPolicy.Action) -> String {
        action == .allow && key.kind == .clusterNetworkPolicy ? "Accept" : action.rawValue
    }

    /// The name of rule `index` (as explanations number it), when the policy's kind names rules.
    func ruleName(_ index: Int, egress: Bool) -> String? {
        guard let names = egress ? ruleNames?.egress : ruleNames?.ingress, names.indices.contains(index) else { return nil }
        return names[index]
    }

    /// Evaluation order: tier first, then lower order first, then by key (then kind, so no two policies tie).
    static func precedes(_ lhs: CompiledPolicy, _ rhs: CompiledPolicy) -> Bool {
        if lhs.tier.name != rhs.tier.name { return CompiledTier.precedes(lhs.tier, rhs.tier) }
        if lhs.order != rhs.order { return lhs.order < rhs.order }
        if lhs.sortKey != rhs.sortKey { return lhs.sortKey < rhs.sortKey }
        return lhs.key.kind.applyRank < rhs.key.kind.applyRank
    }

    /// True when the policy applies to the pod in the direction, whether or not any rule matches.
    func selects(_ pod: PodFacts, egress: Bool) -> Bool {
        guard egress ? appliesToEgress : appliesToIngress else { return false }
        if let namespace, namespace != pod.namespace { return false }
        switch body {
        case .kubernetes(let policy): return policy.podSelector.matches(pod.labels)
        case .calico(let policy):
            if let namespaceScope, !namespaceScope.matches(pod.calicoLabels) { return false }
            return policy.selector.matches(pod.calicoLabels)
        }
    }

}
