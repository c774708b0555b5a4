/// Finds what is probably wrong with stored policies, judged against the stored pods, the pod
/// templates of workloads without pods, and the address space outside pods (``LintUniverse``):
/// selectors that select nothing, named ports nothing declares, rules that can never decide,
/// duplicates, address blocks over pod addresses, order ties and policies that allow nothing
/// while reading as if they allowed.
///
/// Pure: it reads one compiled set and its connectivity index, and answers for the whole store or
/// for a few policies (what a write just wrote). docs/ARCHITECTURE.md ("Lint") gives each code's
/// severity and why, and how ``LintFinding/Code/shadowedRule`` is exact.
public struct PolicyLinter: Sendable {
    let universe: LintUniverse
    /// For one run of ``findings(about:)``: the parties each policy linted applies to, per direction.
    private(set) var subjectsByPolicy: [LintUniverse.Subject: [Int]] = [:]

    /// - Throws: ``LintError`` when the index is not the set's (findings would mix two revisions).
    public init(_ set: CompiledPolicySet, index: ConnectivityIndex) throws(LintError) {
        guard index.revision == set.revision else {
            throw LintError(
                "the connectivity index is of revision \(index.revision) but the compiled set is of revision \(set.revision)")
        }
        universe = LintUniverse(set, index: index)
    }

    public var revision: Int64 { universe.set.revision }

    /// The parties a policy linted in this run applies to in a direction, in order.
    func subjects(of policy: CompiledPolicy, egress: Bool) -> [Int] {
        subjectsByPolicy[LintUniverse.Subject(policy: ObjectIdentifier(policy), egress: egress)] ?? []
    }

    /// Findings about the policies under `keys` (nil: every stored policy), in a stable order. A
    /// pairwise finding (a duplicate, an order tie) is reported on the later policy of the two and
    /// names the earlier; it is about either of them, so a write of either one reports it.
    public func findings(about keys: Set<ObjectKey>? = nil) -> [LintFinding] {
        let all = universe.set.policies.byKey
        let targets: [CompiledPolicy] =
            keys.map { keys in keys.compactMap { all[$0] } } ?? Array(all.values)
        var run = self
        run.subjectsByPolicy = universe.subjects(of: Set(targets.map(ObjectIdentifier.init)))
        return run.findings(targets.sorted { $0.key < $1.key }, keys: keys)
    }

    private func findings(_ all: [CompiledPolicy], keys: Set<ObjectKey>?) -> [LintFinding] {
        var findings: [LintFinding] = []
        // Admin policies are linted for order ties only: the other checks name fields of the
        // Calico rules they convert to, which their authors never wrote.
        let ordered = all.filter { $0.clusterSource == nil }
        let duplicates = duplicateFindings(ordered, keys: keys)
        findings += duplicates.findings
        let addresses = ordered.contains(where: Self.hasAddressBlocks) ? PodAddresses(universe.set) : nil
        for policy in ordered {
            findings += selectionFindings(policy)
            if let addresses { findings += addressFindings(policy, addresses) }
        }
        findings += ruleFindings(ordered, skippingShadowsOf: duplicates.later)
        findings += orderTieFindings(all, keys: keys)
        return findings.sorted(by: LintFinding.ordered)
    }
}

/// The linter was given inputs that do not belong together.
public struct LintError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
}

// MARK: - Naming things in messages

extension PolicyLinter {
    static func object(_ policy: CompiledPolicy) -> LintFinding.Object { LintFinding.Object(policy.key) }

    /// `NetworkPolicy shop/web`, `Calico NetworkPolicy shop/web`, `GlobalNetworkPolicy deny-all`.
    static func name(_ policy: CompiledPolicy) -> String {
        switch policy.key.kind {
        case .networkPolicy: "NetworkPolicy \(policy.key.namespace)/\(policy.key.name)"
        case .calicoNetworkPolicy: "Calico NetworkPolicy \(policy.key.namespace)/\(policy.key.name)"
        case .clusterNetworkPolicy, .adminNetworkPolicy, .baselineAdminNetworkPolicy: "\(policy.key.kind.kind) \(policy.key.name)"
        default: "GlobalNetworkPolicy \(policy.key.name)"
        }
    }

    /// `"app=web,tier in (api,db)"`, in kubectl's label-query syntax; `{}` selects everything.
    static func text(_ selector: LabelSelector) -> String {
        if selector.isEverything { return "{}" }
        var terms = selector.matchLabels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        for requirement in selector.requirements {
            let values = requirement.values.sorted().joined(separator: ",")
            switch requirement.operator {
            case .in: terms.append("\(requirement.key) in (\(values))")
            case .notIn: terms.append("\(requirement.key) notin (\(values))")
            case .exists: terms.append(requirement.key)
            case .doesNotExist: terms.append("!" + requirement.key)
            }
        }
        return "\"" + terms.joined(separator: ",") + "\""
    }

    static func text(_ selector: CalicoSelector) -> String { "\"\(selector.description)\"" }

    /// A list of names for a message: the first few, then how many more.
    static func list(_ names: [String], limit: Int = 3) -> String {
        let shown = names.prefix(limit).joined(separator: ", ")
        return names.count > limit ? shown + " and \(names.count - limit) more" : shown
    }

    static func direction(_ egress: Bool) -> String { egress ? "egress" : "ingress" }
}
