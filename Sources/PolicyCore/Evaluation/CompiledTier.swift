/// A tier as decisions walk it (SEMANTICS.md §7): its place among the tiers and what an applicable
/// tier does when none of its rules decided. A class: every policy of the tier points at one.
final class CompiledTier: Sendable {
    let name: String
    /// `order`, +infinity when unset.
    let order: Double
    let defaultAction: PolicyTier.DefaultAction

    init(_ tier: PolicyTier) {
        name = tier.name
        order = tier.order ?? .infinity
        defaultAction = tier.defaultAction
    }

    /// Tier order: lower order first, then by name.
    static func precedes(_ lhs: CompiledTier, _ rhs: CompiledTier) -> Bool {
        if lhs.order != rhs.order { return lhs.order < rhs.order }
        return lhs.name < rhs.name
    }

    /// The tiers of a snapshot by name: the stored ones and the built-in ones.
    static func all(_ snapshot: PolicySnapshot) -> [String: CompiledTier] {
        var result: [String: CompiledTier] = [:]
        for (name, tier) in PolicyTier.builtIn.merging(snapshot.tiers, uniquingKeysWith: { $1 }) {
            result[name] = CompiledTier(tier)
        }
        return result
    }

    /// A tier no Tier object defines (the store refuses such policies; kept safe rather than trusted):
    /// after every ordered tier, denying at its end, as a Calico tier without settings does.
    static func undefined(_ name: String) -> CompiledTier {
        CompiledTier(PolicyTier(name: name, order: nil, defaultAction: .deny))
    }
}
