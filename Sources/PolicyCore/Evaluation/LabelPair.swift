/// One label, `key=value`: the unit the policy index is keyed by.
struct LabelPair: Hashable, Sendable {
    let key: String
    let value: String
}

extension LabelSelector {
    /// Label pairs of which a selected pod must carry at least one, or nil when no such set exists
    /// (the selector can select pods without any particular label).
    var requiredPairs: [LabelPair]? {
        if let key = matchLabels.keys.min() { return [LabelPair(key: key, value: matchLabels[key]!)] }
        for requirement in requirements where requirement.operator == .in {
            return requirement.values.map { LabelPair(key: requirement.key, value: $0) }
        }
        return nil
    }
}

extension CalicoSelector {
    /// Label pairs of which a matching label set must carry at least one, or nil when there is none.
    var requiredPairs: [LabelPair]? {
        switch self {
        case .equals(let key, let value): return [LabelPair(key: key, value: value)]
        case .in(let key, let values): return values.map { LabelPair(key: key, value: $0) }
        case .and(let operands):
            // Any conjunct's pairs will do; the smallest set gives the fewest candidates.
            return operands.compactMap(\.requiredPairs).min { $0.count < $1.count }
        case .or(let operands):
            var pairs: [LabelPair] = []
            for operand in operands {
                guard let some = operand.requiredPairs else { return nil }
                pairs += some
            }
            return pairs
        default: return nil
        }
    }
}
