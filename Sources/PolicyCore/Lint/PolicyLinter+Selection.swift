/// Selectors and named ports that find nothing: `SelectsNoPods`, `PeerSelectsNothing`,
/// `NamedPortUnresolved`. Each asks whether anything in the universe (a pod class, a template, a
/// namespace) is selected, and stops at the first.
extension PolicyLinter {
    func selectionFindings(_ policy: CompiledPolicy) -> [LintFinding] {
        var findings: [LintFinding] = []
        let selectsNothing =
            subjects(of: policy, egress: false).isEmpty && subjects(of: policy, egress: true).isEmpty
        if selectsNothing { findings.append(selectsNoPods(policy)) }
        switch policy.body {
        case .kubernetes(let body):
            for (egress, rules) in [(false, body.ingress), (true, body.egress)] where applies(policy, egress: egress) {
                for (position, rule) in rules.enumerated() {
                    findings += kubernetesPeers(policy, body, rule, at: position, egress: egress)
                    if !selectsNothing { findings += kubernetesNamedPorts(policy, rule, at: position, egress: egress) }
                }
            }
        case .calico(let body):
            for (egress, rules) in [(false, body.ingress), (true, body.egress)] where applies(policy, egress: egress) {
                for (position, rule) in rules.enumerated() {
                    let path = "spec.\(Self.direction(egress))[\(position)]"
                    for (side, entity) in [("source", rule.source), ("destination", rule.destination)] {
                        if let finding = calicoEntity(policy, entity, at: "\(path).\(side)") { findings.append(finding) }
                    }
                    if !selectsNothing { findings += calicoNamedPorts(policy, rule, at: path, egress: egress) }
                }
            }
        }
        return findings
    }

    func applies(_ policy: CompiledPolicy, egress: Bool) -> Bool {
        egress ? policy.appliesToEgress : policy.appliesToIngress
    }

    // MARK: SelectsNoPods

    private func selectsNoPods(_ policy: CompiledPolicy) -> LintFinding {
        let consequence = ", so the policy applies to nothing (a label typo, or pods not created yet)"
        let object = Self.object(policy)
        switch policy.body {
        case .kubernetes(let body):
            return LintFinding(
                code: .selectsNoPods, object: object, field: "spec.podSelector",
                message: "podSelector \(Self.text(body.podSelector)) selects no stored pod or workload template in namespace "
                    + "\"\(body.namespace)\"" + consequence)
        case .calico(let body):
            if let namespace = body.namespace {
                return LintFinding(
                    code: .selectsNoPods, object: object, field: "spec.selector",
                    message: "selector \(Self.text(body.selector)) selects no stored pod or workload template in namespace "
                        + "\"\(namespace)\"" + consequence)
            }
            if let scope = policy.namespaceScope, let selector = body.namespaceSelector {
                let namespaces = universe.namespaces(matchingScope: scope).filter { universe.byNamespace[$0] != nil }
                if namespaces.isEmpty {
                    return LintFinding(
                        code: .selectsNoPods, object: object, field: "spec.namespaceSelector",
                        message: "namespaceSelector \(Self.text(selector)) selects no namespace with stored pods or workload "
                            + "templates" + consequence)
                }
                return LintFinding(
                    code: .selectsNoPods, object: object, field: "spec.selector",
                    message: "selector \(Self.text(body.selector)) selects no stored pod or workload template in the "
                        + "namespaces namespaceSelector \(Self.text(selector)) selects (\(Self.list(namespaces)))" + consequence)
            }
            return LintFinding(
                code: .selectsNoPods, object: object, field: "spec.selector",
                message: "selector \(Self.text(body.selector)) selects no stored pod or workload template in any namespace"
                    + consequence)
        }
    }

    // MARK: PeerSelectsNothing

    private func kubernetesPeers(
        _ policy: CompiledPolicy, _ body: NetworkPolicy, _ rule: NetworkPolicy.Rule, at position: Int, egress: Bool
    ) -> [LintFinding] {
        var findings: [LintFinding] = []
        let consequence = egress ? ", so the rule allows no connection to it" : ", so the rule allows no connection from it"
        for (index, peer) in rule.peers.enumerated() where peer.ipBlock == nil {
            let field = "spec.\(Self.direction(egress))[\(position)].\(egress ? "to" : "from")[\(index)]"
            let podSelector = peer.podSelector ?? .everything
            func finding(_ message: String) -> LintFinding {
                LintFinding(code: .peerSelectsNothing, object: Self.object(policy), field: field, message: message + consequence)
            }
            guard let namespaceSelector = peer.namespaceSelector else {
                if universe.first(in: [body.namespace], where: { podSelector.matches($0.labels) }) == nil {
                    findings.append(
                        finding(
                            "this peer's podSelector \(Self.text(podSelector)) matches no stored pod or workload template in "
                                + "namespace \"\(body.namespace)\""))
                }
                continue
            }
            let namespaces = universe.namespaces(matching: namespaceSelector)
            if namespaces.isEmpty {
                findings.append(
                    finding("this peer's namespaceSelector \(Self.text(namespaceSelector)) matches no stored namespace"))
                continue
            }
            // A namespace-only peer names namespaces, which exist: pods may come and go in them.
            if podSelector.isEverything { continue }
            if universe.first(in: namespaces, where: { podSelector.matches($0.labels) }) == nil {
                findings.append(
                    finding(
                        "this peer's podSelector \(Self.text(podSelector)) matches no stored pod or workload template in the "
                            + "namespaces its namespaceSelector \(Self.text(namespaceSelector)) matches "
                            + "(\(Self.list(namespaces)))"))
            }
        }
        return findings
    }

    /// One side of a Calico rule, when its selectors select nothing.
    private func calicoEntity(_ policy: CompiledPolicy, _ entity: CalicoPolicy.EntityRule, at path: String) -> LintFinding? {
        guard entity.selector != nil || entity.namespaceSelector != nil else { return nil }
        let consequence = ", so the rule never matches"
        var namespaces: [String]?
        var scopeText: String
        if let scope = entity.namespaceScope, let selector = entity.namespaceSelector {
            let matching = universe.namespaces(matchingScope: scope)
            if matching.isEmpty {
                return LintFinding(
                    code: .peerSelectsNothing, object: Self.object(policy), field: path + ".namespaceSelector",
                    message: "namespaceSelector \(Self.text(selector)) matches no stored namespace" + consequence)
            }
            namespaces = matching
            scopeText = "in the namespaces its namespaceSelector \(Self.text(selector)) matches (\(Self.list(matching)))"
        } else if let namespace = policy.namespace {
            namespaces = [namespace]
            scopeText = "in namespace \"\(namespace)\""
        } else {
            scopeText = "in any namespace"
        }
        guard let selector = entity.selector,
            universe.first(in: namespaces, where: { selector.matches($0.calicoLabels) }) == nil
        else { return nil }
        return LintFinding(
            code: .peerSelectsNothing, object: Self.object(policy), field: path + ".selector",
            message: "selector \(Self.text(selector)) matches no stored pod or workload template \(scopeText)" + consequence)
    }

    // MARK: NamedPortUnresolved

    /// True when a party that passes `candidate` (and is among `pool`, when given) declares the
    /// name under the protocol (nil: any). Walks the shorter of the pool and the name's declarers.
    private func declares(_ name: String, _ proto: TransportProtocol?, among pool: [Int]? = nil, where candidate: (Int) -> Bool)
        -> Bool
    {
        let universe = universe
        let declarers = universe.byPortName[name] ?? []
        func declared(_ position: Int) -> Bool {
            universe.facts(position).namedPorts.contains { $0.name == name && (proto == nil || $0.protocol == proto) }
        }
        if let pool, pool.count < declarers.count { return pool.contains { declared($0) && candidate($0) } }
        return declarers.contains { declared($0) && candidate($0) }
    }

    private func kubernetesNamedPorts(_ policy: CompiledPolicy, _ rule: NetworkPolicy.Rule, at position: Int, egress: Bool)
        -> [LintFinding]
    {
        let named = rule.ports.enumerated().compactMap { index, entry -> (Int, String, TransportProtocol)? in
            if case .name(let name) = entry.target { return (index, name, entry.protocol) }
            return nil
        }
        if named.isEmpty { return [] }
        // Names resolve on the destination: ingress, the pods the policy selects; egress, the rule's peers.
        let universe = universe
        let candidate: (Int) -> Bool
        var pool: [Int]?
        let whose: String
        if !egress {
            let subjects = subjects(of: policy, egress: false)
            let members = Set(subjects)
            pool = subjects
            candidate = { members.contains($0) }
            whose = "the pods this policy selects"
        } else if rule.peers.isEmpty {
            candidate = { _ in true }
            whose = "any stored pod or workload template"
        } else {
            let peers = rule.peers.map { CompiledPeer($0, namespace: policy.namespace ?? "") }
            candidate = { position in
                let view = EndpointView(pod: universe.facts(position), address: nil)
                return peers.contains { $0.matches(view) }
            }
            whose = "the pods this rule's peers match"
        }
        var findings: [LintFinding] = []
        var hasCandidates: Bool?
        for (index, name, proto) in named where !declares(name, proto, among: pool, where: candidate) {
            let field = "spec.\(Self.direction(egress))[\(position)].ports[\(index)]"
            var message =
                "no \(proto.rawValue) port named \"\(name)\" is declared by \(whose), so this entry never matches a connection"
            if egress, !rule.peers.isEmpty {
                if hasCandidates == nil { hasCandidates = universe.parties.indices.contains(where: candidate) }
                if hasCandidates == false {
                    // Peers that select nothing are reported as such; address blocks alone are this code's.
                    if rule.peers.contains(where: { $0.ipBlock == nil }) { return [] }
                    message =
                        "port \"\(name)\" (\(proto.rawValue)) is named, but this rule's peers are address blocks outside the "
                        + "pods, where a port name never resolves, so this entry never matches"
                }
            }
            findings.append(LintFinding(code: .namedPortUnresolved, object: Self.object(policy), field: field, message: message))
        }
        return findings
    }

    private func calicoNamedPorts(_ policy: CompiledPolicy, _ rule: CalicoPolicy.Rule, at path: String, egress: Bool)
        -> [LintFinding]
    {
        var named: [(field: String, name: String, excluding: Bool)] = []
        for (list, isNot) in [("ports", false), ("notPorts", true)] {
            for (index, entry) in (isNot ? rule.destination.notPorts : rule.destination.ports).enumerated() {
                if case .named(let name) = entry { named.append(("\(path).destination.\(list)[\(index)]", name, isNot)) }
            }
        }
        if named.isEmpty { return [] }
        // A rule without protocol resolves a name under any protocol; one of another protocol never.
        var proto: TransportProtocol?
        if let number = rule.protocol {
            guard let known = TransportProtocol.allCases.first(where: { $0.number == number }) else { return [] }
            proto = known
        }
        let destination = rule.destination
        let namespace = policy.namespace
        let universe = universe
        let pool = egress ? nil : subjects(of: policy, egress: false)
        let subjects = pool.map(Set.init)
        // The destination: the rule's destination entity, among the pods the policy selects for ingress.
        let candidate: (Int) -> Bool = { position in
            if let subjects, !subjects.contains(position) { return false }
            let facts = universe.facts(position)
            if let scope = destination.namespaceScope {
                if !scope.matches(facts.calicoLabels) { return false }
            } else if destination.usesSelectors, let namespace, facts.namespace != namespace {
                return false
            }
            if let selector = destination.selector, !selector.matches(facts.calicoLabels) { return false }
            if let selector = destination.notSelector, selector.matches(facts.calicoLabels) { return false }
            return true
        }
        var findings: [LintFinding] = []
        var hasCandidates: Bool?
        for item in named where !declares(item.name, proto, among: pool, where: candidate) {
            // Nothing to resolve on: the selectors are reported, or the rule is an address rule.
            if hasCandidates == nil {
                hasCandidates =
                    subjects.map { $0.contains(where: candidate) } ?? universe.parties.indices.contains(where: candidate)
            }
            if hasCandidates == false { return [] }
            let whose = egress ? "the pods this rule's destination matches" : "the pods this policy selects"
            let protocolText = proto.map { "\($0.rawValue) " } ?? ""
            let effect = item.excluding ? "this exclusion never excludes anything" : "this entry never matches a connection"
            findings.append(
                LintFinding(
                    code: .namedPortUnresolved, object: Self.object(policy), field: item.field,
                    message: "no \(protocolText)port named \"\(item.name)\" is declared by \(whose), so \(effect)"))
        }
        return findings
    }
}
