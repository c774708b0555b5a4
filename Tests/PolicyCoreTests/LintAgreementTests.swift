import SeededRandom
import Testing

@testable import PolicyCore

/// `ShadowedRule` and `DenyAllInDisguise` are exact, not heuristics: on random clusters of both
/// policy families (with workload templates) they agree with brute force. A rule *matches* when
/// the reference matcher (`CompiledRule`, the object-graph evaluator) accepts some flow from or to
/// a pod or template its policy selects, with any pod, template or a probe address outside the
/// pods, on a probe port of any protocol; it *decides* when a single-port decision names it. Probe
/// ports and addresses sit at and beside every boundary the generator writes, so every port set
/// difference shows at a probe. Then: shadowed exactly when it matches and never decides; a deny-all
/// in disguise exactly when the policy selects a pod and no allow rule matches.
@Suite struct LintAgreementTests {
    struct RuleID: Hashable {
        let policy: ObjectKey
        let egress: Bool
        let index: Int
    }

    /// Deployments without pods, so their templates are endpoints too: labels as the pods', and
    /// named ports in combinations no pod may have.
    static func addTemplates(_ cluster: inout RandomCluster) {
        for index in 0..<3 {
            var labels = ["app": cluster.pick(RandomCluster.apps)]
            if cluster.chance(2) { labels["tier"] = cluster.pick(["1", "2"]) }
            let ports = RandomCluster.namedPorts.filter { _ in cluster.chance(3) }
            cluster.snapshot.upsert(
                .workload(
                    Workload(
                        kind: .deployment, namespace: cluster.pick(["a", "b", "c"]), name: "d\(index)", templateLabels: labels,
                        namedPorts: ports)))
        }
    }

    @Test(arguments: Array(1...24) as [UInt64])
    func shadowedRulesAndDenyAllsAreWhatBruteForceFinds(seed: UInt64) throws {
        var cluster = RandomCluster(seed: seed + 900, pods: 10, policies: 10, tiered: seed % 2 == 1)
        Self.addTemplates(&cluster)
        let set = CompiledPolicySet(cluster.snapshot)
        let findings = try PolicyLinter(set, index: ConnectivityIndex(set)).findings()
        let probes = ConnectivityAgreementTests.probeAddresses(&cluster)
        // Subjects: the stored pods and the templates; peers: those and addresses outside the pods.
        var subjects: [(view: EndpointView, pod: CompiledPod)] = cluster.pods.compactMap { pod in
            set.pods[ObjectKey(kind: .pod, namespace: pod.namespace, name: pod.name)].map {
                (EndpointView(pod: $0.facts, address: nil), $0)
            }
        }
        for workload in cluster.snapshot.workloads.values.sorted(by: { $0.name < $1.name }) {
            let made = set.hypothetical(
                namespace: workload.namespace, labels: workload.templateLabels,
                namespaceLabels: set.namespaces[workload.namespace]?.labels ?? [:], ip: nil, namedPorts: workload.namedPorts)
            subjects.append((made.view, made.pod!))
        }
        let peers: [(view: EndpointView, pod: CompiledPod?)] =
            subjects.map { ($0.view, $0.pod) } + probes.map { (EndpointView(pod: nil, address: $0), nil) }

        // What decides, by brute force: the rule each single-port decision names.
        var decides: Set<RuleID> = []
        func note(_ side: SideDecision?, egress: Bool) {
            // A Pass rule that took effect is not shadowed either.
            for pass in side?.passed ?? [] {
                guard let reference = pass.policy, let rule = pass.rule,
                    let policy = set.policies.byKey.values.first(where: { $0.reference == reference })
                else { continue }
                decides.insert(RuleID(policy: policy.key, egress: egress, index: rule))
            }
            guard let side, let reference = side.policy, let rule = side.rule,
                let policy = set.policies.byKey.values.first(where: { $0.reference == reference })
            else { return }
            decides.insert(RuleID(policy: policy.key, egress: egress, index: rule))
        }
        for subject in subjects {
            let me = (view: subject.view, pod: Optional(subject.pod))
            for peer in peers {
                for proto in TransportProtocol.allCases {
                    for port in RandomCluster.probePorts {
                        note(set.decide(peer, me, port: port, protocol: proto).ingress, egress: false)
                        note(set.decide(me, peer, port: port, protocol: proto).egress, egress: true)
                    }
                }
            }
        }

        // What matches, rule by rule, whatever comes before it.
        func matches(_ policy: CompiledPolicy, _ rule: CompiledRule, egress: Bool) -> Bool {
            for subject in subjects where policy.selects(subject.pod.facts, egress: egress) {
                for peer in peers {
                    for proto in TransportProtocol.allCases {
                        let flow = Flow(subjectView: subject.view, peer: peer.view, isEgress: egress, protocol: proto)
                        if RandomCluster.probePorts.contains(where: { rule.matches(flow, port: $0) }) { return true }
                    }
                }
            }
            return false
        }

        var expectedShadowed: Set<RuleID> = []
        var expectedDenyAll: Set<String> = []
        // Admin policies are linted for order ties only.
        for policy in set.policies.byKey.values where !policy.key.kind.isClusterPolicy {
            for egress in [false, true] where egress ? policy.appliesToEgress : policy.appliesToIngress {
                let rules = egress ? policy.egressRules : policy.ingressRules
                var anyAllow = false
                var allowMatches = false
                var unmodelled = false
                for (index, rule) in rules.enumerated() {
                    // Log never decides; ICMP and source-port rules are about traffic decisions do not model.
                    if case .calico(let calico) = rule {
                        let body = calico.rule
                        if body.action == .log { continue }
                        if body.hasICMP || !body.source.ports.isEmpty {
                            if body.action == .allow { unmodelled = true }
                            continue
                        }
                        if body.action == .allow, let number = body.protocol, ![6, 17, 132].contains(number) {
                            unmodelled = true
                        }
                    }
                    let matched = matches(policy, rule, egress: egress)
                    let id = RuleID(policy: policy.key, egress: egress, index: index)
                    if matched && !decides.contains(id) { expectedShadowed.insert(id) }
                    if rule.action == .allow {
                        anyAllow = true
                        if matched { allowMatches = true }
                    }
                }
                let selects = subjects.contains { policy.selects($0.pod.facts, egress: egress) }
                if selects && anyAllow && !allowMatches && !unmodelled {
                    expectedDenyAll.insert("\(policy.key) spec.\(egress ? "egress" : "ingress")")
                }
            }
        }

        // The linter leaves out the shadowed rules of a policy it reports as a later copy.
        let copies = Set(findings.filter { $0.code == .duplicatePolicy }.compactMap { $0.object?.key })
        let shadowed = Set(
            findings.filter { $0.code == .shadowedRule }.compactMap { finding -> RuleID? in
                guard let key = finding.object?.key, let field = finding.field else { return nil }
                let egress = field.hasPrefix("spec.egress")
                let index = Int(field.drop { $0 != "[" }.dropFirst().prefix { $0 != "]" }) ?? -1
                return RuleID(policy: key, egress: egress, index: index)
            })
        #expect(shadowed == expectedShadowed.filter { !copies.contains($0.policy) }, "seed \(seed)")
        let denyAll = Set(findings.filter { $0.code == .denyAllInDisguise }.map { "\($0.object!.key!) \($0.field!)" })
        #expect(denyAll == expectedDenyAll, "seed \(seed)")
    }

    /// The generator produces both kinds of finding often enough for the agreement to mean something.
    @Test func theRandomClustersHaveShadowedRulesAndDenyAlls() throws {
        var counts: [LintFinding.Code: Int] = [:]
        for seed in 1...24 as ClosedRange<UInt64> {
            var cluster = RandomCluster(seed: seed + 900, pods: 10, policies: 10, tiered: seed % 2 == 1)
            Self.addTemplates(&cluster)
            let set = CompiledPolicySet(cluster.snapshot)
            for finding in try PolicyLinter(set, index: ConnectivityIndex(set)).findings() {
                counts[finding.code, default: 0] += 1
            }
        }
        #expect(counts[.shadowedRule, default: 0] >= 5, "\(counts)")
        #expect(counts[.denyAllInDisguise, default: 0] >= 1, "\(counts)")
    }
}
