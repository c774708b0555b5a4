/// A compiled pod: its facts and, per direction, the policies that select it in evaluation order.
///
/// A class so the sharded maps hold one reference per pod, and an update replaces one entry.
final class CompiledPod: Sendable {
    let key: ObjectKey
    let facts: PodFacts
    let ingress: [CompiledPolicy]
    let egress: [CompiledPolicy]

    init(key: ObjectKey, facts: PodFacts, ingress: [CompiledPolicy], egress: [CompiledPolicy]) {
        self.key = key
        self.facts = facts
        self.ingress = ingress
        self.egress = egress
    }

    /// The same pod with a policy added to or removed from its lists.
    func replacing(_ old: CompiledPolicy?, with new: CompiledPolicy?) -> CompiledPod {
        func update(_ list: [CompiledPolicy], egress: Bool) -> [CompiledPolicy] {
            var result = list
            if let old { result.removeAll { $0 === old } }
            if let new, new.selects(facts, egress: egress) {
                let position = result.firstIndex { CompiledPolicy.precedes(new, $0) } ?? result.count
                result.insert(new, at: position)
            }
            return result
        }
        return CompiledPod(key: key, facts: facts, ingress: update(ingress, egress: false), egress: update(egress, egress: true))
    }
}
