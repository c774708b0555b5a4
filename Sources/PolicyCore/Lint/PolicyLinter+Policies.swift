/// Findings about policies next to each other or next to pod addresses: `DuplicatePolicy`,
/// `OrderTie`, `AddressBlockCoversPods`.
extension PolicyLinter {
    // MARK: DuplicatePolicy

    /// What makes two policies the same: everything but the name, in the same scope (the
    /// namespace stays in the key).
    private enum Content: Hashable {
        case kubernetes(NetworkPolicy)
        case calico(CalicoPolicy)

        init(_ policy: CompiledPolicy) {
            switch policy.body {
            case .kubernetes(var body):
                body.name = ""
                self = .kubernetes(body)
            case .calico(var body):
                body.name = ""
                self = .calico(body)
            }
        }
    }

    /// One finding per later copy, naming the first; and the later copies, whose shadowed rules
    /// go without saying.
    func duplicateFindings(_ targets: [CompiledPolicy], keys: Set<ObjectKey>?) -> (
        findings: [LintFinding], later: Set<ObjectIdentifier>
    ) {
        var groups: [Content: [CompiledPolicy]] = [:]
        let wanted = Set(targets.map(\.namespace))
        // Admin policies are linted for ties only (PolicyLinter.findings).
        for policy in universe.set.policies.byKey.values
        where policy.clusterSource == nil && (keys == nil || wanted.contains(policy.namespace)) {
            groups[Content(policy), default: []].append(policy)
        }
        let targetIDs = Set(targets.map(ObjectIdentifier.init))
        var findings: [LintFinding] = []
        var later: Set<ObjectIdentifier> = []
        for group in groups.values where group.count > 1 {
            let sorted = group.sorted(by: CompiledPolicy.precedes)
            let first = sorted[0]
            for copy in sorted.dropFirst() {
                later.insert(ObjectIdentifier(copy))
                guard targetIDs.contains(ObjectIdentifier(copy)) || targetIDs.contains(ObjectIdentifier(first)) else { continue }
                findings.append(
                    LintFinding(
                        code: .duplicatePolicy, object: Self.object(copy), field: "spec",
                        message: "this policy has the same selectors and rules as \(Self.name(first)), which is evaluated "
                            + "first, so it changes no decision and one of the two can go",
                        related: Self.object(first)))
            }
        }
        return (findings, later)
    }

    // MARK: OrderTie

    /// Calico policies with the same explicit `order` that both apply to a common pod in one
    /// direction: only their names decide which comes first. Reported on the later one.
    func orderTieFindings(_ targets: [CompiledPolicy], keys: Set<ObjectKey>?) -> [LintFinding] {
        struct Pair: Hashable {
            let first: ObjectIdentifier
            let second: ObjectIdentifier
        }
        struct Shared {
            let first: CompiledPolicy
            let second: CompiledPolicy
            var pods: [Bool: Int] = [:]
            var example: [Bool: String] = [:]
        }
        let targetIDs = Set(targets.map(ObjectIdentifier.init))
        var pairs: [Pair: Shared] = [:]
        var tables: [(table: RuleTable, egress: Bool, pods: Int, example: String)] = []
        for entry in universe.tables where entry.table.policies.count > 1 {
            if keys != nil, !entry.table.policies.contains(where: { targetIDs.contains(ObjectIdentifier($0)) }) { continue }
            let pods = entry.parties.reduce(0) { $0 + universe.weights[$1] }
            tables.append((entry.table, entry.egress, pods, universe.names[entry.parties[0]]))
        }
        for entry in tables.sorted(by: { $0.example < $1.example }) {
            let policies = entry.table.policies
            for (position, first) in policies.enumerated() {
                guard let order = Self.explicitOrder(first) else { continue }
                for second in policies[(position + 1)...] {
                    guard second.order == order, second.tier.name == first.tier.name else { break }
                    guard Self.explicitOrder(second) != nil else { continue }
                    if keys != nil, !targetIDs.contains(ObjectIdentifier(first)), !targetIDs.contains(ObjectIdentifier(second)) {
                        continue
                    }
                    let pair = Pair(first: ObjectIdentifier(first), second: ObjectIdentifier(second))
                    var shared = pairs[pair] ?? Shared(first: first, second: second)
                    shared.pods[entry.egress, default: 0] += entry.pods
                    if shared.example[entry.egress] == nil { shared.example[entry.egress] = entry.example }
                    pairs[pair] = shared
                }
            }
        }
        return pairs.values.map { shared in
            let order = Self.explicitOrder(shared.first) ?? 0
            let orderText = order == order.rounded() && abs(order) < 1e15 ? String(Int64(order)) : String(order)
            let sides = [false, true].compactMap { egress -> String? in
                guard let pods = shared.pods[egress], let example = shared.example[egress] else { return nil }
                return
                    "the \(Self.direction(egress)) of \(pods) pod\(pods == 1 ? "" : "s") (\(example)\(pods > 1 ? ", ..." : ""))"
            }
            // Admin policies call their order `priority`; upstream leaves ties to the implementation.
            let field = shared.second.key.kind.isClusterPolicy ? "priority" : "order"
            return LintFinding(
                code: .orderTie, object: Self.object(shared.second), field: "spec.\(field)",
                message: "this policy and \(Self.name(shared.first)) are both in tier \(shared.first.tier.name) with \(field) "
                    + "\(orderText) and both apply to " + sides.joined(separator: " and ")
                    + ", so only their names decide which is evaluated first (as Calico does; other implementations may differ); "
                    + "give them different \(field == "order" ? "orders" : "priorities")",
                related: Self.object(shared.first))
        }
    }

    private static func explicitOrder(_ policy: CompiledPolicy) -> Double? {
        if case .calico(let body) = policy.body { return body.order }
        return nil
    }

    // MARK: AddressBlockCoversPods

    static func hasAddressBlocks(_ policy: CompiledPolicy) -> Bool {
        switch policy.body {
        case .kubernetes(let body): (body.ingress + body.egress).contains { $0.peers.contains { $0.ipBlock != nil } }
        case .calico(let body): (body.ingress + body.egress).contains { !$0.source.nets.isEmpty || !$0.destination.nets.isEmpty }
        }
    }

    /// ipBlocks (less their excepts) and Calico nets that hold stored pods' addresses. Whole
    /// address spaces (`/0`) are left out: "anywhere" means pods too, by any reading, and the usual
    /// "allow egress anywhere" must not be noise.
    func addressFindings(_ policy: CompiledPolicy, _ addresses: PodAddresses) -> [LintFinding] {
        var findings: [LintFinding] = []
        func check(_ cidr: CIDR, except: [CIDR], field: String, what: String) {
            guard cidr.prefixLength > 0 else { return }
            let (count, first) = addresses.pods(in: NetworkPolicy.IPBlock(cidr: cidr, except: except), listing: 3)
            if count == 0 { return }
            var names = first.map { "\($0.namespace)/\($0.name)" }.joined(separator: ", ")
            if count > first.count { names += " and \(count - first.count) more" }
            findings.append(
                LintFinding(
                    code: .addressBlockCoversPods, object: Self.object(policy), field: field,
                    message:
                        "\(what) contains the address\(count == 1 ? "" : "es") of \(count) stored pod\(count == 1 ? "" : "s") "
                        + "(\(names)): CNIs differ on whether pod traffic matches an address block, and pod addresses change, "
                        + "so select pods by label instead"))
        }
        switch policy.body {
        case .kubernetes(let body):
            for (egress, rules) in [(false, body.ingress), (true, body.egress)] where applies(policy, egress: egress) {
                for (position, rule) in rules.enumerated() {
                    for (index, peer) in rule.peers.enumerated() {
                        guard let block = peer.ipBlock else { continue }
                        let field = "spec.\(Self.direction(egress))[\(position)].\(egress ? "to" : "from")[\(index)].ipBlock"
                        let exceptText = block.except.isEmpty ? "" : " (less its excepts)"
                        check(block.cidr, except: block.except, field: field, what: "ipBlock \(block.cidr)\(exceptText)")
                    }
                }
            }
        case .calico(let body):
            for (egress, rules) in [(false, body.ingress), (true, body.egress)] where applies(policy, egress: egress) {
                for (position, rule) in rules.enumerated() {
                    for (side, entity) in [("source", rule.source), ("destination", rule.destination)] {
                        for (index, net) in entity.nets.enumerated() {
                            check(
                                net, except: [],
                                field: "spec.\(Self.direction(egress))[\(position)].\(side).nets[\(index)]", what: "net \(net)")
                        }
                    }
                }
            }
        }
        return findings
    }
}
