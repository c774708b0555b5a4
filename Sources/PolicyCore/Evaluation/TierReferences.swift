/// Policies name their tier (`spec.tier`), and a tier must exist while a policy is in it, as
/// Calico's API server enforces: a write that would break either is refused whole.
public enum TierReferenceProblem: Sendable, Equatable {
    /// The policy (enforced or staged) names a tier that is neither stored nor built in.
    case tierNotFound(policy: ObjectKey, tier: String)
    /// The tier would be deleted while the policy is still in it.
    case tierNotEmpty(tier: String, policy: ObjectKey)
}

extension PolicySnapshot {
    /// The first broken tier reference the changes would leave, if any. Only what the changes
    /// touch is checked: the snapshot itself is consistent.
    public func tierReferenceProblem(after changes: [CompiledPolicySet.Change]) -> TierReferenceProblem? {
        var removedTiers: Set<String> = []
        var addedTiers: Set<String> = []
        var upserted: [ObjectKey: String] = [:]
        var removed: Set<ObjectKey> = []
        for change in changes {
            switch change {
            case .upsert(.tier(let tier)):
                addedTiers.insert(tier.name)
                removedTiers.remove(tier.name)
            case .upsert(let model):
                if let (key, tier) = Self.tierReference(model) {
                    upserted[key] = tier
                    removed.remove(key)
                }
            case .remove(let key):
                if key.kind == .tier {
                    removedTiers.insert(key.name)
                    addedTiers.remove(key.name)
                } else {
                    removed.insert(key)
                    upserted[key] = nil
                }
            }
        }
        func exists(_ tier: String) -> Bool {
            PolicyTier.builtIn[tier] != nil || addedTiers.contains(tier) || (tiers[tier] != nil && !removedTiers.contains(tier))
        }
        for (key, tier) in upserted.sorted(by: { $0.key < $1.key }) where !exists(tier) {
            return .tierNotFound(policy: key, tier: tier)
        }
        for tier in removedTiers.sorted() where !exists(tier) {
            let stored = calicoPolicies.values.map { ($0.key, $0.tier) } + stagedPolicies.values.compactMap(Self.tierReference)
            if let user = stored.filter({ $0.1 == tier && !removed.contains($0.0) && upserted[$0.0] == nil }).map(\.0).min() {
                return .tierNotEmpty(tier: tier, policy: user)
            }
        }
        return nil
    }

    /// The key and tier of a model that names a tier (Calico policies, staged or not).
    private static func tierReference(_ model: DecodedObject.Model) -> (ObjectKey, String)? {
        switch model {
        case .calicoPolicy(let policy): (policy.key, policy.tier)
        case .staged(let staged): if case .calicoPolicy(let policy) = staged.policy { (staged.key, policy.tier) } else { nil }
        default: nil
        }
    }

    private static func tierReference(_ staged: StagedPolicy) -> (ObjectKey, String)? {
        tierReference(.staged(staged))
    }
}
