/// A policy write applied to an index without building it again: the common case of a review
/// (a pull request changes policies, not pods) and of lint after a policy write.
extension ConnectivityIndex {
    /// The index of `after` (this index's set with `changes` applied), made from this one when
    /// the classes still hold: only policies (and Services, which no answer reads) changed, and
    /// the written policies read no label key and cut the address space nowhere that no policy
    /// did before. Columns are added for the written policies only, and slots and side keys for
    /// the classes whose tables changed. nil when the classes no longer hold: build afresh.
    public func applying(_ changes: [CompiledPolicySet.Change], to after: CompiledPolicySet) -> ConnectivityIndex? {
        for change in changes {
            switch change {
            // A Node changes only the admin policies that read it (compiled anew, so added below);
            // staged policies change nothing enforced.
            case .upsert(.networkPolicy), .upsert(.calicoPolicy), .upsert(.clusterPolicy), .upsert(.service), .upsert(.node),
                .upsert(.staged):
                continue
            case .remove(let key):
                switch key.kind {
                case .networkPolicy, .globalNetworkPolicy, .calicoNetworkPolicy, .clusterNetworkPolicy, .adminNetworkPolicy,
                    .baselineAdminNetworkPolicy, .service, .node, .stagedGlobalNetworkPolicy, .stagedNetworkPolicy,
                    .stagedKubernetesNetworkPolicy:
                    continue
                default: return nil
                }
            default: return nil
            }
        }
        let live = Array(after.policies.byKey.values)
        let added = live.filter { !columns.knows($0) }
        guard Self.mentionedKeys(added).isSubset(of: mentioned), cuts.includes(Self.blocks(added)) else { return nil }
        // Columns of replaced policies stay behind; past twice the columns of a fresh build, start afresh.
        guard columns.columnCount <= 2 * builtColumnCount + 256, tableRefs.count <= 2 * builtSlotCount + 256 else {
            return nil
        }
        let next = RuleColumns(
            added, base: (columns, Set(live.map(ObjectIdentifier.init))), classes: classes, atoms: atoms,
            namespaces: namespaceRanges)
        var slots = Slots(continuing: self, columns: next)
        var updated = classes
        var ingress = ingressKey
        var egress = egressKey
        for (position, item) in classes.enumerated() {
            guard let old = item.party.pod, let pod = after.pods[old.key] else { return nil }
            if pod === old { continue }
            updated[position] = slots.assign(item, pod)
            ingress[position] = slots.number(updated[position].party, egress: false)
            egress[position] = slots.number(updated[position].party, egress: true)
        }
        return ConnectivityIndex(
            updating: self, revision: after.revision, classes: updated, columns: next, slots: slots, ingressKey: ingress,
            egressKey: egress)
    }
}
