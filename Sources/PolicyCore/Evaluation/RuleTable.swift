/// One direction of one pod: its applicable policies in evaluation order, and their rules
/// flattened into one ``RuleCode`` in the same order. Pods whose applicable lists are the same
/// share one table (a compile and a policy write reuse it), so 100,000 pods hold a few thousand.
final class RuleTable: Sendable {
    /// Applicable policies, in evaluation order: explanations and the `policies` list of answers.
    let policies: [CompiledPolicy]
    let code: RuleCode
    /// The applicable tiers in order, each with its run of `code.rules` (policies are sorted by tier
    /// first, so a tier's rules are contiguous; a tier whose policies have no rules has an empty run
    /// and still applies).
    let tiers: [TierRun]
    /// The same runs as plain values, for the walk: no reference to retain per tier.
    let runs: [Run]
    let isEgress: Bool
    /// True when a rule names a port: its answer then depends on the destination's named ports.
    let usesNamedPorts: Bool

    struct TierRun: Sendable {
        let tier: CompiledTier
        let rules: Range<Int>
    }

    struct Run: Sendable {
        let start: Int32
        let end: Int32
        /// The tier's default action is Deny (else Pass).
        let denies: Bool
    }

    static let empty = RuleTable(policies: [], code: RuleCode(), tiers: [], egress: false)

    private init(policies: [CompiledPolicy], code: RuleCode, tiers: [TierRun], egress: Bool) {
        self.policies = policies
        self.code = code
        self.tiers = tiers
        runs = tiers.map {
            Run(start: Int32($0.rules.lowerBound), end: Int32($0.rules.upperBound), denies: $0.tier.defaultAction == .deny)
        }
        isEgress = egress
        usesNamedPorts = code.ports.contains { $0.kind == .named }
    }

    /// The table of these policies (already in evaluation order) for one direction.
    static func make(_ policies: [CompiledPolicy], egress: Bool) -> RuleTable {
        if policies.isEmpty { return empty }
        var code = RuleCode()
        var tiers: [TierRun] = []
        var runStart = 0
        for (position, policy) in policies.enumerated() {
            if position > 0, policies[position - 1].tier.name != policy.tier.name {
                tiers.append(TierRun(tier: policies[position - 1].tier, rules: runStart..<code.rules.count))
                runStart = code.rules.count
            }
            code.append(egress ? policy.egressCode : policy.ingressCode, policy: UInt32(position))
        }
        tiers.append(TierRun(tier: policies[policies.count - 1].tier, rules: runStart..<code.rules.count))
        return RuleTable(policies: policies, code: code, tiers: tiers, egress: egress)
    }

    /// Shares tables among pods with the same applicable list while compiling.
    final class Cache {
        private var ingress: [[ObjectIdentifier]: RuleTable] = [:]
        private var egress: [[ObjectIdentifier]: RuleTable] = [:]

        func table(_ policies: [CompiledPolicy], egress isEgress: Bool) -> RuleTable {
            if policies.isEmpty { return RuleTable.empty }
            let key = policies.map(ObjectIdentifier.init)
            if let found = isEgress ? egress[key] : ingress[key] { return found }
            let made = RuleTable.make(policies, egress: isEgress)
            if isEgress { egress[key] = made } else { ingress[key] = made }
            return made
        }

        /// For a full compile: lists first, tables later (``makeTables(jobs:)``), so the distinct
        /// tables can be built in parallel. Slots are numbered in the order lists are first seen.
        private var slots: [SlotKey: Int] = [:]
        private var pending: [(policies: [CompiledPolicy], egress: Bool)] = []

        private struct SlotKey: Hashable {
            let egress: Bool
            let policies: [ObjectIdentifier]
        }

        /// The slot of this list's table in ``makeTables(jobs:)``: the same for the same list.
        func slot(_ policies: [CompiledPolicy], egress isEgress: Bool) -> Int {
            let key = SlotKey(egress: isEgress, policies: policies.map(ObjectIdentifier.init))
            if let found = slots[key] { return found }
            pending.append((policies, isEgress))
            slots[key] = pending.count - 1
            return pending.count - 1
        }

        /// One table per slot, by slot number; the tables are independent, so `jobs` builds them at once.
        func makeTables(jobs: JobRunner) -> [RuleTable] {
            let lists = pending
            var made = [RuleTable?](repeating: nil, count: lists.count)
            made.withUnsafeMutableBufferPointer { out in
                jobs.forEachRange(lists.count, minimum: 8) { range in
                    for slot in range { out[slot] = RuleTable.make(lists[slot].policies, egress: lists[slot].egress) }
                }
            }
            return made.map { $0 ?? RuleTable.empty }
        }
    }
}

// MARK: - Matching

extension RuleTable {
    /// True when rule `index` matches the flow on one destination port.
    @inline(__always)
    func matches(_ index: Int, _ flow: borrowing Flow, port: Int) -> Bool {
        let rule = code.rules[index]
        if !rule.isCalico {
            return kubernetesAllowsPort(rule, port, flow) && kubernetesMatchesPeer(rule, flow.peer)
        }
        guard calicoHeaderMatches(rule, flow) else { return false }
        if !rule.ports.isEmpty {
            var covered = false
            for position in rule.ports.range where covers(code.ports[position], port, flow) {
                covered = true
                break
            }
            if !covered { return false }
        }
        for position in rule.notPorts.range where covers(code.ports[position], port, flow) { return false }
        return entitiesMatch(rule, flow)
    }

    /// Both entities of a Calico rule. The two views are passed as stored in the flow (borrowed),
    /// not through `Flow.source`/`destination`, which would copy a view (and retain its pod) per test.
    @inline(__always)
    private func entitiesMatch(_ rule: FlatRule, _ flow: borrowing Flow) -> Bool {
        let source = code.entities[Int(rule.source)]
        let destination = code.entities[Int(rule.destination)]
        if flow.isEgress {
            return entityMatches(source, flow.subjectView) && entityMatches(destination, flow.peer)
        }
        return entityMatches(source, flow.peer) && entityMatches(destination, flow.subjectView)
    }

    /// True when rule `index` matches the flow on everything but protocol and port: its peer (or
    /// Calico source and destination entities) and the connection's IP version. A rule whose criteria
    /// hold decides the same ports for every flow with the same protocol and destination named ports.
    func criteriaMatch(_ index: Int, _ flow: borrowing Flow) -> Bool {
        let rule = code.rules[index]
        if !rule.isCalico { return kubernetesMatchesPeer(rule, flow.peer) }
        if rule.ipVersion != 0, let family = Self.connectionFamily(flow), (rule.ipVersion == 4) != family { return false }
        return entitiesMatch(rule, flow)
    }

    /// The destination ports for which rule `index` matches the flow.
    func ports(_ index: Int, _ flow: borrowing Flow) -> PortSet {
        let rule = code.rules[index]
        if !rule.isCalico {
            guard kubernetesMatchesPeer(rule, flow.peer) else { return .empty }
            if rule.ports.isEmpty { return .all }
            // Kubernetes port entries carry their own protocol; Calico's are matched under the rule's.
            return resolve(rule.ports, flow, onlyProtocol: flow.protocol)
        }
        guard calicoHeaderMatches(rule, flow),
            entityMatches(code.entities[Int(rule.source)], flow.source),
            entityMatches(code.entities[Int(rule.destination)], flow.destination)
        else { return .empty }
        var ports = rule.ports.isEmpty ? PortSet.all : resolve(rule.ports, flow)
        if !rule.notPorts.isEmpty { ports = ports.subtracting(resolve(rule.notPorts, flow)) }
        return ports
    }

    @inline(__always)
    private func kubernetesAllowsPort(_ rule: FlatRule, _ port: Int, _ flow: borrowing Flow) -> Bool {
        if rule.ports.isEmpty { return true }
        for position in rule.ports.range {
            let entry = code.ports[position]
            guard entry.protocol == flow.protocol else { continue }
            switch entry.kind {
            case .any: return true
            case .range: if Int(entry.low) <= port && port <= Int(entry.high) { return true }
            case .named: if flow.destinationPorts(named: code.strings[Int(entry.name)]).contains(port) { return true }
            }
        }
        return false
    }

    @inline(__always)
    private func kubernetesMatchesPeer(_ rule: FlatRule, _ endpoint: EndpointView) -> Bool {
        if rule.peers.isEmpty { return true }
        for position in rule.peers.range where peerMatches(code.peers[position], endpoint) { return true }
        return false
    }

    func peerMatches(_ peer: FlatPeer, _ endpoint: EndpointView) -> Bool {
        if peer.block >= 0 {
            let block = code.blocks[Int(peer.block)]
            if let address = endpoint.address { return block.contains(address) }
            return endpoint.pod?.ips.contains { block.contains($0) } ?? false
        }
        guard let pod = endpoint.pod else { return false }
        if peer.namespaceSelector >= 0 {
            guard run(Int(peer.namespaceSelector), pod, .namespace) else { return false }
        } else if pod.namespaceID != peer.namespace {
            return false
        }
        return peer.podSelector < 0 || run(Int(peer.podSelector), pod, .own)
    }

    /// Protocol and IP version criteria of a Calico rule.
    @inline(__always)
    private func calicoHeaderMatches(_ rule: FlatRule, _ flow: borrowing Flow) -> Bool {
        let number = UInt16(flow.protocol.number)
        if rule.requiredProtocol != FlatRule.none, rule.requiredProtocol != number { return false }
        if rule.excludedProtocol != FlatRule.none, rule.excludedProtocol == number { return false }
        if rule.ipVersion != 0, let family = Self.connectionFamily(flow), (rule.ipVersion == 4) != family { return false }
        return true
    }

    /// IPv4 (true) or IPv6 (false) when an address of the connection is known.
    static func connectionFamily(_ flow: borrowing Flow) -> Bool? {
        (firstAddress(flow.destination) ?? firstAddress(flow.source))?.isIPv4
    }

    private static func firstAddress(_ view: EndpointView) -> IPAddress? {
        view.address ?? view.pod?.ips.first
    }

    @inline(__always)
    private func covers(_ entry: FlatPort, _ port: Int, _ flow: borrowing Flow) -> Bool {
        switch entry.kind {
        case .any: return true
        case .range: return Int(entry.low) <= port && port <= Int(entry.high)
        case .named: return flow.destinationPorts(named: code.strings[Int(entry.name)]).contains(port)
        }
    }

    private func resolve(_ span: Span32, _ flow: borrowing Flow, onlyProtocol: TransportProtocol? = nil) -> PortSet {
        var ranges: [ClosedRange<Int>] = []
        for position in span.range {
            let entry = code.ports[position]
            if let onlyProtocol, entry.protocol != onlyProtocol { continue }
            switch entry.kind {
            case .any: return .all
            case .range: ranges.append(Int(entry.low)...Int(entry.high))
            case .named:
                for number in flow.destinationPorts(named: code.strings[Int(entry.name)]) { ranges.append(number...number) }
            }
        }
        return PortSet(ranges: ranges)
    }

    /// True when an address of the endpoint (the named one, else every pod address) is in the CIDRs.
    private func anyAddress(_ endpoint: borrowing EndpointView, in span: Span32) -> Bool {
        if let address = endpoint.address { return contains(span, address) }
        guard let pod = endpoint.pod else { return false }
        for address in pod.ips where contains(span, address) { return true }
        return false
    }

    @inline(__always)
    private func contains(_ span: Span32, _ address: IPAddress) -> Bool {
        for position in span.range where code.cidrs[position].contains(address) { return true }
        return false
    }

    /// The entity criteria of a Calico rule (see `CalicoRuleMatcher`, the reference).
    func entityMatches(_ entity: FlatEntity, _ endpoint: borrowing EndpointView) -> Bool {
        if !entity.nets.isEmpty, !anyAddress(endpoint, in: entity.nets) { return false }
        if !entity.notNets.isEmpty, anyAddress(endpoint, in: entity.notNets) { return false }
        guard entity.usesSelectors else { return true }
        let scoped = entity.scope >= 0 || entity.namespace != nil
        if entity.selector >= 0 || scoped {
            guard let pod = endpoint.pod else { return false }
            if entity.scope >= 0 {
                guard run(Int(entity.scope), pod, .calico) else { return false }
            } else if let namespace = entity.namespace, pod.namespaceID != namespace {
                return false
            }
            if entity.selector >= 0, !run(Int(entity.selector), pod, .calico) { return false }
        }
        if entity.notSelector >= 0, let pod = endpoint.pod, run(Int(entity.notSelector), pod, .calico) { return false }
        return true
    }

    // MARK: Selector programs

    /// Runs the selector program starting at `start` over one of the pod's label sets.
    @inline(__always)
    func run(_ start: Int, _ pod: PodFacts, _ segment: LabelSegment) -> Bool {
        let bounds = pod.bounds(of: segment)
        return evaluate(start, pod, bounds.lowerBound, bounds.upperBound)
    }

    private func evaluate(_ pc: Int, _ pod: PodFacts, _ low: Int, _ high: Int) -> Bool {
        switch code.code[pc] {
        case .all: return true
        case .has(let key): return Self.value(of: key, in: pod.labelWords, low, high) != nil
        case .equals(let key, let value): return Self.value(of: key, in: pod.labelWords, low, high) == value
        case .text(let test, let key, let part):
            guard let value = pod.calicoLabels[code.strings[Int(key)]] else { return false }
            let part = code.strings[Int(part)]
            switch test {
            case .contains: return value.contains(part)
            case .startsWith: return value.hasPrefix(part)
            case .endsWith: return value.hasSuffix(part)
            }
        case .not: return !evaluate(pc + 1, pod, low, high)
        case .and(let count, _):
            var child = pc + 1
            for _ in 0..<count {
                if !evaluate(child, pod, low, high) { return false }
                child += code.code[child].length
            }
            return true
        case .or(let count, _):
            var child = pc + 1
            for _ in 0..<count {
                if evaluate(child, pod, low, high) { return true }
                child += code.code[child].length
            }
            return false
        }
    }

    /// The value id of `key` in a sorted run of label words.
    @inline(__always)
    static func value(of key: UInt32, in words: [UInt64], _ low: Int, _ high: Int) -> UInt32? {
        var position = low
        while position < high {
            let word = words[position]
            let found = UInt32(truncatingIfNeeded: word >> 32)
            if found == key { return UInt32(truncatingIfNeeded: word) }
            if found > key { return nil }
            position += 1
        }
        return nil
    }
}
