/// The tiers one walk passed on, recorded without allocating: a decision that passes through the
/// admin tier (most, once admin policies exist) must not pay for an array it may never show. Up
/// to four passes are kept inline; each is the position in the table of the Pass rule, or a run
/// marked as passed by its tier's default action. ``SideDecision/passed`` turns it into
/// ``TierPass`` values only when read.
struct PassTrace: Sendable {
    let table: RuleTable
    private(set) var count = 0
    private var inline: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
    /// Past four passes (an empty array allocates nothing).
    private var more: [UInt32] = []

    private static let byDefault: UInt32 = 0x8000_0000

    init(_ table: RuleTable) { self.table = table }

    /// A Pass rule at `position` of the table's rules.
    mutating func passed(rule position: Int) { append(UInt32(position)) }

    /// The end of run `run`, whose tier's default action is Pass.
    mutating func passed(run: Int) { append(UInt32(run) | Self.byDefault) }

    private mutating func append(_ entry: UInt32) {
        switch count {
        case 0: inline.0 = entry
        case 1: inline.1 = entry
        case 2: inline.2 = entry
        case 3: inline.3 = entry
        default: more.append(entry)
        }
        count += 1
    }

    private func entry(_ position: Int) -> UInt32 {
        switch position {
        case 0: inline.0
        case 1: inline.1
        case 2: inline.2
        case 3: inline.3
        default: more[position - 4]
        }
    }

    /// The passes as explanations show them.
    var passes: [TierPass] {
        (0..<count).map { position in
            let entry = entry(position)
            if entry & Self.byDefault != 0 {
                return TierPass(tier: table.tiers[Int(entry & ~Self.byDefault)].tier.name)
            }
            let rule = table.code.rules[Int(entry)]
            let policy = table.policies[Int(rule.policy)]
            let index = Int(rule.index)
            return TierPass(
                tier: policy.tier.name, policy: policy.reference, rule: index,
                ruleName: policy.ruleName(index, egress: table.isEgress))
        }
    }
}
