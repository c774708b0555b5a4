/// Rules that can never decide (`ShadowedRule`) and policies whose allow rules never match
/// (`DenyAllInDisguise`), both answered exactly over the universe by the walks decisions use.
///
/// For each subject (a pod class, or a template) whose rule table holds a policy of interest, and
/// each peer that table can tell apart (the blocks ``BlockSplitter`` splits the classes into, every
/// address piece, every template), the table's rules are walked in evaluation order for TCP, UDP
/// and SCTP with ``RuleTable/ports(_:_:)``: the ports each rule matches for that flow. A rule is
/// shadowed there when the rules before it in its tier (Log rules are not in tables), and the
/// tiers before it (which pass on only some ports), already took every one of its ports. It is reported only if that holds for every subject, peer and
/// protocol where it matches anything, and there is at least one.
extension PolicyLinter {
    /// One rule of one policy in one direction (its index among the policy's rules).
    struct RuleID: Hashable {
        let policy: ObjectIdentifier
        let egress: Bool
        let index: UInt32
    }

    /// What the walks saw of one rule.
    struct RuleOutcome {
        /// Some walk gave it a port.
        var matched = false
        /// Some walk gave it a port that no earlier rule had taken.
        var decides = false
        /// Earlier rules that took its ports, the first few found: (policy, rule index).
        var shadowers: [(policy: CompiledPolicy, index: UInt32)] = []
        /// Earlier tiers whose default action (Deny) took its ports, when no rule did.
        var closingTiers: [String] = []
    }

    func ruleFindings(_ targets: [CompiledPolicy], skippingShadowsOf skipped: Set<ObjectIdentifier>) -> [LintFinding] {
        let outcomes = walkRules(Set(targets.map(ObjectIdentifier.init)))
        var findings: [LintFinding] = []
        for policy in targets {
            let id = ObjectIdentifier(policy)
            for egress in [false, true] where applies(policy, egress: egress) {
                let indices = (egress ? policy.egressCode : policy.ingressCode).rules.map(\.index)
                if !skipped.contains(id) {
                    for index in indices {
                        guard let outcome = outcomes[RuleID(policy: id, egress: egress, index: index)], outcome.matched,
                            !outcome.decides
                        else { continue }
                        findings.append(
                            shadowed(policy, egress: egress, index: index, by: outcome.shadowers, tiers: outcome.closingTiers))
                    }
                }
                if let finding = denyAllInDisguise(policy, egress: egress, outcomes) { findings.append(finding) }
            }
        }
        return findings
    }

    private func shadowed(
        _ policy: CompiledPolicy, egress: Bool, index: UInt32, by shadowers: [(policy: CompiledPolicy, index: UInt32)],
        tiers: [String]
    ) -> LintFinding {
        let direction = Self.direction(egress)
        let names = shadowers.map { item in
            let field = "spec.\(direction)[\(item.index)]"
            return item.policy === policy ? field : "\(Self.name(item.policy)) \(field)"
        }
        var causes: [String] = []
        if !names.isEmpty { causes.append("an earlier rule (\(Self.list(names))) decides first") }
        if !tiers.isEmpty {
            causes.append(
                "the end of tier \(tiers.joined(separator: ", ")) (default action Deny) drops the connection before it")
        }
        return LintFinding(
            code: .shadowedRule, object: Self.object(policy), field: "spec.\(direction)[\(index)]",
            message: "this rule never decides anything: for every pod the policy selects, and every peer and port the rule "
                + "matches, " + (causes.isEmpty ? "an earlier rule decides first" : causes.joined(separator: ", or ")))
    }

    /// A direction with allow rules, none of which ever matches anything for the pods the policy
    /// selects. Not when it selects nothing (`SelectsNoPods` says so), and not when an allow rule
    /// is about traffic decisions do not model (ICMP, source ports, other protocols): that rule may well allow.
    private func denyAllInDisguise(_ policy: CompiledPolicy, egress: Bool, _ outcomes: [RuleID: RuleOutcome]) -> LintFinding? {
        if subjects(of: policy, egress: egress).isEmpty { return nil }
        let allowIndices: [UInt32]
        switch policy.body {
        case .kubernetes(let body):
            allowIndices = (egress ? body.egress : body.ingress).indices.map(UInt32.init)
        case .calico(let body):
            let rules = egress ? body.egress : body.ingress
            let allows = rules.indices.filter { rules[$0].action == .allow }
            let decided: Set<UInt8> = Set(TransportProtocol.allCases.map(\.number))
            let unmodelled = allows.contains { position in
                let rule = rules[position]
                return rule.hasICMP || !rule.source.ports.isEmpty || rule.protocol.map { !decided.contains($0) } ?? false
            }
            if unmodelled { return nil }
            allowIndices = allows.map(UInt32.init)
        }
        if allowIndices.isEmpty { return nil }
        let id = ObjectIdentifier(policy)
        let anyMatched = allowIndices.contains { outcomes[RuleID(policy: id, egress: egress, index: $0)]?.matched ?? false }
        if anyMatched { return nil }
        let direction = Self.direction(egress)
        return LintFinding(
            code: .denyAllInDisguise, object: Self.object(policy), field: "spec.\(direction)",
            message: "none of this policy's \(direction) allow rules can match any stored pod, workload template, address or "
                + "port for the pods it selects, so it allows nothing while reading as if it allowed some traffic")
    }

    // MARK: The walks

    /// A walk's result depends only on the table, which of its rules' criteria hold, and (when a
    /// rule names a port) the destination's named ports: the key walks are remembered by.
    private struct WalkKey: Hashable {
        let table: ObjectIdentifier
        let bits: [UInt64]
        let portsID: Int32
    }

    /// Walks every subject whose tables hold a target policy, and records what its rules saw.
    func walkRules(_ targets: Set<ObjectIdentifier>) -> [RuleID: RuleOutcome] {
        var outcomes: [RuleID: RuleOutcome] = [:]
        let index = universe.index
        let splitter = BlockSplitter(index: index)
        var interests: [ObjectIdentifier: [RuleID?]?] = [:]
        func interest(_ table: RuleTable, egress: Bool) -> [RuleID?]? {
            if let found = interests[ObjectIdentifier(table)] { return found }
            var list: [RuleID?] = []
            var any = false
            for rule in table.code.rules {
                let policy = table.policies[Int(rule.policy)]
                if targets.contains(ObjectIdentifier(policy)) {
                    list.append(RuleID(policy: ObjectIdentifier(policy), egress: egress, index: rule.index))
                    any = true
                } else {
                    list.append(nil)
                }
            }
            let made: [RuleID?]? = any ? list : nil
            interests[ObjectIdentifier(table)] = made
            return made
        }
        var walked: Set<WalkKey> = []
        let atoms = index.atoms.map(\.party)
        let templates = Array(universe.parties[universe.classCount...])
        for egress in [false, true] {
            var seenKeys: Set<Int32> = []
            let subjects = Set(subjectsByPolicy.filter { $0.key.egress == egress }.values.joined()).sorted()
            for position in subjects {
                let subject = universe.parties[position]
                let table = egress ? subject.pod!.egressTable : subject.pod!.ingressTable
                guard let wanted = interest(table, egress: egress) else { continue }
                var peers: [Party]
                // Subjects with the same side key answer alike towards every peer: one stands for all.
                let key = position < universe.classCount ? (egress ? index.egressKey[position] : index.ingressKey[position]) : -1
                if key >= 0 {
                    guard seenKeys.insert(key).inserted else { continue }
                    if let sideKey = splitter.key(subject, egress: egress),
                        let (blockOf, count) = splitter.partition(subject, sideKey, egress: egress)
                    {
                        // One class per block: the blocks meet the same rules' criteria and resolve names alike.
                        var first = [Int](repeating: -1, count: count)
                        for item in blockOf.indices where first[Int(blockOf[item])] < 0 { first[Int(blockOf[item])] = item }
                        peers = first.filter { $0 >= 0 }.map { index.classes[$0].party }
                    } else {
                        peers = index.classes.map(\.party)
                    }
                } else {
                    peers = index.classes.map(\.party)
                }
                peers += atoms
                peers += templates
                let side = Side(subject, table, egress: egress, universe: universe)
                for peer in peers {
                    let walk = WalkKey(
                        table: ObjectIdentifier(table), bits: side.hits(peer),
                        portsID: table.usesNamedPorts ? (egress ? peer.portsID : subject.portsID) : -1)
                    guard walked.insert(walk).inserted else { continue }
                    self.walk(subject, peer, table, wanted, egress: egress, into: &outcomes)
                }
            }
        }
        return outcomes
    }

    /// One subject's table, ready to tell which of its rules' criteria hold towards a peer: the
    /// table's rule columns, and which of its Calico rules the subject's own entity meets (the
    /// source for egress, the destination for ingress), worked out once per subject.
    private struct Side {
        let subject: Party
        let table: RuleTable
        let egress: Bool
        let columns: RuleColumns
        /// nil when a policy of the table is not in the index: then every criterion is run.
        let refs: [RuleColumns.Ref]?
        let own: [Bool]

        init(_ subject: Party, _ table: RuleTable, egress: Bool, universe: LintUniverse) {
            self.subject = subject
            self.table = table
            self.egress = egress
            let columns = universe.index.columns
            self.columns = columns
            let slot = egress ? subject.egressSlot : subject.ingressSlot
            // A template's table is not in the index's slots; its policies' columns are.
            let refs = slot >= 0 ? universe.index.tableRefs[Int(slot)] : columns.refs(of: table, egress: egress)
            self.refs = refs
            let code = table.code
            own = code.rules.indices.map { position in
                let rule = code.rules[position]
                guard rule.isCalico else { return true }
                if let refs, subject.element >= 0 {
                    return columns.bit(egress ? refs[position].first : refs[position].second, subject.element)
                }
                return table.entityMatches(code.entities[Int(egress ? rule.source : rule.destination)], subject.view)
            }
        }

        /// Which rules' criteria hold towards the peer, as bits: lookups in the rule columns for
        /// a peer of the index, else the criteria themselves (a template).
        func hits(_ peer: Party) -> [UInt64] {
            let rules = table.code.rules
            var bits = [UInt64](repeating: 0, count: (rules.count + 63) / 64)
            let flow = Flow(subjectView: subject.view, peer: peer.view, isEgress: egress, protocol: .tcp)
            guard let refs, peer.element >= 0 else {
                for position in rules.indices where table.criteriaMatch(position, flow) {
                    bits[position >> 6] |= 1 << UInt64(position & 63)
                }
                return bits
            }
            let family = RuleTable.connectionFamily(flow)
            for position in rules.indices where own[position] {
                let rule = rules[position]
                let ref = refs[position]
                let hit: Bool
                if !rule.isCalico {
                    hit = columns.bit(ref.first, peer.element)
                } else if rule.ipVersion != 0, let family, (rule.ipVersion == 4) != family {
                    hit = false
                } else {
                    hit = columns.bit(egress ? ref.second : ref.first, peer.element)
                }
                if hit { bits[position >> 6] |= 1 << UInt64(position & 63) }
            }
            return bits
        }
    }

    /// The ordered walk of one subject's table towards one peer, for each protocol: which of the
    /// wanted rules match a port, and whether an earlier rule had every such port already.
    private func walk(
        _ subject: Party, _ peer: Party, _ table: RuleTable, _ wanted: [RuleID?], egress: Bool,
        into outcomes: inout [RuleID: RuleOutcome]
    ) {
        guard let last = wanted.lastIndex(where: { $0 != nil }) else { return }
        var flow = Flow(subjectView: subject.view, peer: peer.view, isEgress: egress, protocol: .tcp)
        var portsOf = [PortSet](repeating: .empty, count: last + 1)
        for proto in TransportProtocol.allCases {
            flow.protocol = proto
            // Tier by tier: a tier is reached only by the ports the tiers before it passed on.
            var closed = PortSet.empty
            // The earlier tiers that dropped ports at their end (default action Deny), and which.
            var endDrops: [(String, PortSet)] = []
            for run in table.tiers where run.rules.lowerBound <= last {
                var taken = closed
                var passed = PortSet.empty
                for position in run.rules where position <= last {
                    let ports = table.ports(position, flow)
                    portsOf[position] = ports
                    if ports.isEmpty { continue }
                    if let id = wanted[position] {
                        var outcome = outcomes[id] ?? RuleOutcome()
                        outcome.matched = true
                        if !ports.subtracting(taken).isEmpty {
                            outcome.decides = true
                        } else if !outcome.decides {
                            // Pass rules only hand ports on: they are never what shadows a rule.
                            for earlier in 0..<position
                            where outcome.shadowers.count < 3 && table.code.rules[earlier].action != .pass
                                && !portsOf[earlier].intersection(ports).isEmpty
                            {
                                let rule = table.code.rules[earlier]
                                let policy = table.policies[Int(rule.policy)]
                                if !outcome.shadowers.contains(where: { $0.policy === policy && $0.index == rule.index }) {
                                    outcome.shadowers.append((policy, rule.index))
                                }
                            }
                            for (tier, dropped) in endDrops
                            where !dropped.intersection(ports).isEmpty && !outcome.closingTiers.contains(tier) {
                                outcome.closingTiers.append(tier)
                            }
                        }
                        outcomes[id] = outcome
                    }
                    if table.code.rules[position].action == .pass { passed = passed.union(ports.subtracting(taken)) }
                    taken = taken.union(ports)
                }
                // What reaches the next tier matters only when a wanted rule lies beyond this one
                // (a table of one tier, the common case, never gets here).
                guard run.rules.upperBound <= last else { break }
                let untaken = PortSet.all.subtracting(taken)
                if run.tier.defaultAction == .pass {
                    passed = passed.union(untaken)
                } else if !untaken.isEmpty {
                    endDrops.append((run.tier.name, untaken))
                }
                closed = PortSet.all.subtracting(passed)
            }
        }
    }
}
