/// A Calico staged policy (`StagedGlobalNetworkPolicy`, `StagedNetworkPolicy`,
/// `StagedKubernetesNetworkPolicy`): a change to one enforced policy, stored but never enforced.
/// Answers asked with `staged=true` are made as if every staged change were applied.
public struct StagedPolicy: Sendable, Hashable {
    public enum Action: String, Sendable, Hashable, CaseIterable {
        /// Creates or replaces the enforced policy of the same name.
        case set = "Set"
        /// Removes the enforced policy of the same name.
        case delete = "Delete"
    }

    /// The staged object's own key.
    public var key: ObjectKey
    public var action: Action
    /// The policy as it would be enforced (for `Delete`, only its key matters).
    public var policy: DecodedObject.Model

    public init(key: ObjectKey, action: Action, policy: DecodedObject.Model) {
        self.key = key
        self.action = action
        self.policy = policy
    }

    /// The key of the enforced policy the change is to.
    public var target: ObjectKey {
        switch key.kind {
        case .stagedGlobalNetworkPolicy: ObjectKey(kind: .globalNetworkPolicy, namespace: "", name: key.name)
        case .stagedNetworkPolicy: ObjectKey(kind: .calicoNetworkPolicy, namespace: key.namespace, name: key.name)
        default: ObjectKey(kind: .networkPolicy, namespace: key.namespace, name: key.name)
        }
    }
}
