/// A compiled pod: its facts and, per direction, the table of its applicable policies' rules in
/// evaluation order.
///
/// A class so the sharded maps hold one reference per pod, and an update replaces one entry.
final class CompiledPod: Sendable {
    let key: ObjectKey
    let facts: PodFacts
    let ingressTable: RuleTable
    let egressTable: RuleTable

    /// The applicable policies per direction, in evaluation order.
    var ingress: [CompiledPolicy] { ingressTable.policies }
    var egress: [CompiledPolicy] { egressTable.policies }

    init(key: ObjectKey, facts: PodFacts, ingress: RuleTable, egress: RuleTable) {
        self.key = key
        self.facts = facts
        self.ingressTable = ingress
        self.egressTable = egress
    }

    /// Remembers, during one policy write, the table each old table becomes, so pods that shared a
    /// table before share its replacement.
    final class Replacements {
        private var made: [Key: RuleTable] = [:]

        struct Key: Hashable {
            let table: ObjectIdentifier
            let egress: Bool
            let selected: Bool
        }

        func table(for key: Key, _ make: () -> RuleTable) -> RuleTable {
            if let found = made[key] { return found }
            let table = make()
            made[key] = table
            return table
        }
    }

    /// The same pod with a policy added to or removed from its lists.
    func replacing(_ old: CompiledPolicy?, with new: CompiledPolicy?, memo: Replacements) -> CompiledPod {
        func update(_ table: RuleTable, egress: Bool) -> RuleTable {
            let selected = new?.selects(facts, egress: egress) ?? false
            let hadOld = old.map { old in table.policies.contains { $0 === old } } ?? false
            if !hadOld && !selected { return table }
            let key = Replacements.Key(table: ObjectIdentifier(table), egress: egress, selected: selected)
            return memo.table(for: key) {
                var result = table.policies
                if let old { result.removeAll { $0 === old } }
                if let new, selected {
                    let position = result.firstIndex { CompiledPolicy.precedes(new, $0) } ?? result.count
                    result.insert(new, at: position)
                }
                return RuleTable.make(result, egress: egress)
            }
        }
        return CompiledPod(
            key: key, facts: facts, ingress: update(ingressTable, egress: false), egress: update(egressTable, egress: true))
    }
}
