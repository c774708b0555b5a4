import PolicyCore
import Testing

/// SEMANTICS.md §7: tiers in order, each applicable tier's policies by order, first matching rule,
/// Pass to the next applicable tier, each tier's default action, allowed after the last.
@Suite struct TierEvaluationTests {
    /// Namespaces `ops` (team=ops) and `app`; pods `ops/tool` (10.1.0.1), `app/svc` (10.1.0.2, named
    /// port `http` = 8080/TCP, `dns` = 53/UDP) and `app/other` (10.1.0.3).
    struct Cluster {
        var snapshot = PolicySnapshot(revision: 1)

        init() {
            snapshot.upsert(.namespace(Namespace(name: "ops", labels: ["team": "ops"])))
            snapshot.upsert(.namespace(Namespace(name: "app", labels: [:])))
            snapshot.upsert(.pod(Pod(namespace: "ops", name: "tool", labels: ["app": "tool"], ips: [IPAddress("10.1.0.1")!])))
            snapshot.upsert(
                .pod(
                    Pod(
                        namespace: "app", name: "svc", labels: ["app": "svc"], ips: [IPAddress("10.1.0.2")!],
                        namedPorts: [
                            .init(name: "http", port: 8080, protocol: .tcp), .init(name: "dns", port: 53, protocol: .udp),
                        ])))
            snapshot.upsert(.pod(Pod(namespace: "app", name: "other", labels: ["app": "other"], ips: [IPAddress("10.1.0.3")!])))
        }

        mutating func add(_ model: DecodedObject.Model) { snapshot.upsert(model) }

        func decide(_ from: String, _ to: String, port: Int? = 80, protocol proto: TransportProtocol = .tcp) throws -> Decision {
            let set = CompiledPolicySet(snapshot)
            let question = DecisionRequest(
                source: Self.endpoint(from), destination: Self.endpoint(to), port: port, protocol: proto)
            let decision = try set.decide(question)
            // Every answer here is also the slow oracle's.
            #expect(decision == (try set.referenceDecide(question)), "\(from) -> \(to) \(String(describing: port))")
            return decision
        }

        static func endpoint(_ text: String) -> Endpoint {
            if let address = IPAddress(text) { return .address(address) }
            let parts = text.split(separator: "/").map(String.init)
            return .pod(namespace: parts[0], name: parts[1])
        }
    }

    static let svc = LabelSelector(matchLabels: ["app": "svc"])
    static let ops = LabelSelector(matchLabels: ["team": "ops"])

    static func calico(_ name: String, tier: String, order: Double? = nil, ingress: [CalicoPolicy.Rule]) -> DecodedObject.Model {
        var policy = CalicoPolicy(
            namespace: nil, name: name, order: order, selector: .equals("app", "svc"), ingress: ingress)
        policy.tier = tier
        return .calicoPolicy(policy)
    }

    static func rule(_ action: CalicoPolicy.Action, fromNamespace team: String? = nil) -> CalicoPolicy.Rule {
        var rule = CalicoPolicy.Rule(action: action)
        if let team { rule.source.namespaceSelector = .equals("team", team) }
        return rule
    }

    static func allowAll(_ name: String, namespace: String = "app") -> DecodedObject.Model {
        .networkPolicy(NetworkPolicy(namespace: namespace, name: name, podSelector: svc, ingress: [NetworkPolicy.Rule()]))
    }

    @Test func passChainsAcrossThreeTiersToTheNetworkPolicyThatDecides() throws {
        var cluster = Cluster()
        cluster.add(.tier(PolicyTier(name: "platform", order: 10)))
        cluster.add(.tier(PolicyTier(name: "security", order: 20)))
        cluster.add(Self.calico("platform.pass-ops", tier: "platform", ingress: [Self.rule(.pass, fromNamespace: "ops")]))
        cluster.add(Self.calico("security.pass-ops", tier: "security", ingress: [Self.rule(.pass, fromNamespace: "ops")]))
        cluster.add(
            .clusterPolicy(
                ClusterNetworkPolicy(
                    name: "admin-pass", level: .admin, priority: 1, subject: .pods(.init(podSelector: Self.svc)),
                    ingress: [.init(name: "ops-to-namespaces", action: .pass, peers: [.namespaces(Self.ops)])])))
        cluster.add(Self.allowAll("svc-allow-all"))
        let decision = try cluster.decide("ops/tool", "app/svc")
        #expect(decision.allowed)
        let ingress = try #require(decision.ingress)
        #expect(ingress.reason == .allowedByPolicy)
        #expect(ingress.tier == "default")
        #expect(ingress.policy?.name == "svc-allow-all")
        #expect(ingress.passed?.map(\.tier) == ["platform", "security", "kube-admin"])
        #expect(ingress.passed?.last?.ruleName == "ops-to-namespaces")
        #expect(ingress.passed?.last?.policy?.kind == "ClusterNetworkPolicy")
        // Traffic no tier passes is dropped at the end of the first one.
        let other = try #require(try cluster.decide("app/other", "app/svc").ingress)
        #expect(!other.allowed)
        #expect(other.reason == .noRuleMatched)
        #expect(other.tier == "platform")
    }

    @Test func aTierOrdersByItsOrderNotItsName() throws {
        var cluster = Cluster()
        cluster.add(.tier(PolicyTier(name: "a-late", order: 500)))
        cluster.add(.tier(PolicyTier(name: "z-early", order: 5)))
        cluster.add(Self.calico("deny", tier: "a-late", ingress: [Self.rule(.deny)]))
        cluster.add(Self.calico("allow", tier: "z-early", ingress: [Self.rule(.allow)]))
        let ingress = try #require(try cluster.decide("ops/tool", "app/svc").ingress)
        #expect(ingress.allowed)
        #expect(ingress.tier == "z-early")
    }

    @Test func anApplicableTierWhoseDefaultActionDeniesEndsTheWalkAndPassGoesOn() throws {
        var cluster = Cluster()
        cluster.add(.tier(PolicyTier(name: "security", order: 100)))
        cluster.add(Self.calico("only-ops", tier: "security", ingress: [Self.rule(.allow, fromNamespace: "ops")]))
        #expect(try !cluster.decide("app/other", "app/svc").allowed)
        #expect(try cluster.decide("app/other", "app/svc").ingress?.tier == "security")
        cluster.add(.tier(PolicyTier(name: "security", order: 100, defaultAction: .pass)))
        let passed = try #require(try cluster.decide("app/other", "app/svc").ingress)
        #expect(passed.allowed)
        #expect(passed.reason == .passedThrough)
        #expect(passed.passed == [TierPass(tier: "security")])
    }

    @Test func aTierWithNoPolicyForThePodIsSkippedWithItsDefaultAction() throws {
        var cluster = Cluster()
        cluster.add(.tier(PolicyTier(name: "security", order: 100)))
        var other = CalicoPolicy(
            namespace: nil, name: "other-only", selector: .equals("app", "other"), ingress: [Self.rule(.allow)])
        other.tier = "security"
        cluster.add(.calicoPolicy(other))
        let ingress = try #require(try cluster.decide("ops/tool", "app/svc").ingress)
        #expect(ingress.allowed)
        #expect(ingress.reason == .notIsolated)
        // The same tier applies to `other`'s ingress only: its egress is untouched.
        #expect(try cluster.decide("app/other", "ops/tool").allowed)
    }

    @Test func anAdminDenyHoldsWhateverTheNamespaceAllows() throws {
        var cluster = Cluster()
        cluster.add(Self.allowAll("svc-allow-all"))
        cluster.add(
            .clusterPolicy(
                ClusterNetworkPolicy(
                    name: "no-ops", level: .admin, priority: 10, subject: .namespaces(.everything),
                    ingress: [.init(name: "deny-ops", action: .deny, peers: [.namespaces(Self.ops)])])))
        let ingress = try #require(try cluster.decide("ops/tool", "app/svc").ingress)
        #expect(!ingress.allowed)
        #expect(ingress.reason == .deniedByPolicy)
        #expect(ingress.tier == "kube-admin")
        #expect(ingress.action == "Deny")
        #expect(ingress.ruleName == "deny-ops")
        #expect(try cluster.decide("app/other", "app/svc").allowed)
    }

    @Test func baselineDecidesOnlyPodsNoNetworkPolicySelects() throws {
        var cluster = Cluster()
        cluster.add(
            .clusterPolicy(
                ClusterNetworkPolicy(
                    name: "default", level: .baseline, priority: 1, subject: .namespaces(.everything),
                    ingress: [.init(action: .deny, peers: [.namespaces(Self.ops)])])))
        let baseline = try #require(try cluster.decide("ops/tool", "app/other").ingress)
        #expect(!baseline.allowed)
        #expect(baseline.tier == "kube-baseline")
        // svc is selected by a NetworkPolicy: the default tier decides it, Baseline is never reached.
        cluster.add(Self.allowAll("svc-allow-all"))
        let selected = try #require(try cluster.decide("ops/tool", "app/svc").ingress)
        #expect(selected.allowed)
        #expect(selected.tier == "default")
    }

    @Test func namedPortsResolveOnTheDestinationWithTheirOwnProtocol() throws {
        var cluster = Cluster()
        cluster.add(
            .clusterPolicy(
                ClusterNetworkPolicy(
                    name: "ports", level: .admin, priority: 1, subject: .pods(.init(podSelector: Self.svc)),
                    ingress: [
                        .init(action: .accept, peers: [.namespaces(Self.ops)], ports: [.named("dns")]),
                        .init(action: .deny, peers: [.namespaces(Self.ops)]),
                    ])))
        #expect(try cluster.decide("ops/tool", "app/svc", port: 53, protocol: .udp).ingress?.action == "Accept")
        #expect(try !cluster.decide("ops/tool", "app/svc", port: 53, protocol: .tcp).allowed)
        #expect(try !cluster.decide("ops/tool", "app/svc", port: 8080).allowed)
    }

    @Test func networksMatchPodAddressesAndNodesTheirAddresses() throws {
        var cluster = Cluster()
        cluster.add(.node(ClusterNode(name: "n1", labels: ["role": "infra"], addresses: [IPAddress("192.0.2.7")!])))
        cluster.add(
            .clusterPolicy(
                ClusterNetworkPolicy(
                    name: "egress", level: .admin, priority: 1, subject: .namespaces(Self.ops),
                    egress: [
                        .init(action: .deny, peers: [.networks([CIDR("10.1.0.2/32")!])]),
                        .init(action: .deny, peers: [.nodes(LabelSelector(matchLabels: ["role": "infra"]))]),
                        .init(action: .accept, peers: [.domainNames(["example.com"])]),
                    ])))
        #expect(try !cluster.decide("ops/tool", "app/svc").allowed)
        #expect(try cluster.decide("ops/tool", "app/other").allowed)
        let node = try #require(try cluster.decide("ops/tool", "192.0.2.7").egress)
        #expect(!node.allowed)
        #expect(node.rule == 1)
        // A Node write recompiles the policies that read Nodes, incrementally as in a full compile.
        let before = CompiledPolicySet(cluster.snapshot)
        cluster.add(.node(ClusterNode(name: "n1", labels: ["role": "edge"], addresses: [IPAddress("192.0.2.7")!])))
        let updated = before.applying(
            [.upsert(.node(ClusterNode(name: "n1", labels: ["role": "edge"], addresses: [IPAddress("192.0.2.7")!])))],
            revision: 2, snapshot: cluster.snapshot)
        let question = DecisionRequest(
            source: .pod(namespace: "ops", name: "tool"), destination: .address(IPAddress("192.0.2.7")!), port: 80)
        #expect(try updated.decide(question).allowed)
        #expect(try cluster.decide("ops/tool", "192.0.2.7").allowed)
    }

    @Test func samePriorityInOneTierIsDecidedByName() throws {
        var cluster = Cluster()
        for (name, action) in [("b-allow", ClusterNetworkPolicy.Action.accept), ("a-deny", .deny)] {
            cluster.add(
                .clusterPolicy(
                    ClusterNetworkPolicy(
                        name: name, level: .admin, priority: 7, subject: .namespaces(.everything),
                        ingress: [.init(action: action, peers: [.namespaces(.everything)])])))
        }
        #expect(try cluster.decide("ops/tool", "app/svc").ingress?.policy?.name == "a-deny")
    }

    @Test func aStagedDeleteShowsTheAccessItWouldOpen() throws {
        var cluster = Cluster()
        cluster.add(Self.calico("deny-ops", tier: "default", order: 1, ingress: [Self.rule(.deny, fromNamespace: "ops")]))
        cluster.add(
            .staged(
                StagedPolicy(
                    key: ObjectKey(kind: .stagedGlobalNetworkPolicy, namespace: "", name: "deny-ops"), action: .delete,
                    policy: .calicoPolicy(CalicoPolicy(namespace: nil, name: "deny-ops")))))
        let enforced = CompiledPolicySet(cluster.snapshot)
        let staged = enforced.applyingStagedPolicies(cluster.snapshot.stagedChanges)
        let question = DecisionRequest(
            source: .pod(namespace: "ops", name: "tool"), destination: .pod(namespace: "app", name: "svc"), port: 80)
        #expect(try !enforced.decide(question).allowed)
        #expect(try staged.decide(question).allowed)
        #expect(staged.revision == enforced.revision)
    }

    @Test func aStagedSetReplacesThePolicyOfTheSameName() throws {
        var cluster = Cluster()
        cluster.add(Self.allowAll("svc-allow-all"))
        let narrowed = NetworkPolicy(
            namespace: "app", name: "svc-allow-all", podSelector: Self.svc,
            ingress: [NetworkPolicy.Rule(peers: [NetworkPolicy.Peer(namespaceSelector: Self.ops)])])
        cluster.add(
            .staged(
                StagedPolicy(
                    key: ObjectKey(kind: .stagedKubernetesNetworkPolicy, namespace: "app", name: "svc-allow-all"),
                    action: .set, policy: .networkPolicy(narrowed))))
        let enforced = CompiledPolicySet(cluster.snapshot)
        let staged = enforced.applyingStagedPolicies(cluster.snapshot.stagedChanges)
        let question = DecisionRequest(
            source: .pod(namespace: "app", name: "other"), destination: .pod(namespace: "app", name: "svc"), port: 80)
        #expect(try enforced.decide(question).allowed)
        #expect(try !staged.decide(question).allowed)
    }
}

/// The properties of the issue, over random clusters with tiers.
@Suite struct TierPropertyTests {
    static func answers(_ set: CompiledPolicySet, _ cluster: RandomCluster) throws -> [String: Bool] {
        var result: [String: Bool] = [:]
        for source in cluster.pods {
            for destination in cluster.pods {
                for port in [53, 80, 8080] {
                    let question = DecisionRequest(
                        source: .pod(namespace: source.namespace, name: source.name),
                        destination: .pod(namespace: destination.namespace, name: destination.name), port: port)
                    result["\(source.namespace)/\(source.name)->\(destination.namespace)/\(destination.name):\(port)"] =
                        try set.decide(question).allowed
                }
            }
        }
        return result
    }

    /// A policy whose one rule passes everything, last in its tier, does what the tier's default
    /// action (Pass) does: nothing. (First in the tier, it would skip the tier's other policies.)
    @Test(arguments: Array(1...8) as [UInt64])
    func anAdminPolicyThatPassesEverythingChangesNoAnswer(seed: UInt64) throws {
        var cluster = RandomCluster(seed: seed + 1300, pods: 10, policies: 12, tiered: true)
        // Calico policies placed after priority 1000 in the admin tiers would follow it: move them out.
        for policy in cluster.snapshot.calicoPolicies.values
        where policy.tier.hasPrefix("kube-") && (policy.order ?? .infinity) > 1000 {
            var moved = policy
            moved.tier = PolicyTier.defaultName
            cluster.snapshot.upsert(.calicoPolicy(moved))
        }
        let before = try Self.answers(CompiledPolicySet(cluster.snapshot), cluster)
        for level in ClusterNetworkPolicy.Level.allCases {
            cluster.snapshot.upsert(
                .clusterPolicy(
                    ClusterNetworkPolicy(
                        name: "zz-pass-all-\(level.rawValue.lowercased())", level: level, priority: 1000,
                        subject: .namespaces(.everything),
                        ingress: [.init(action: .pass, peers: [.namespaces(.everything)])],
                        egress: [.init(action: .pass, peers: [.networks([CIDR("0.0.0.0/0")!, CIDR("::/0")!])])])))
        }
        #expect(try Self.answers(CompiledPolicySet(cluster.snapshot), cluster) == before, "seed \(seed)")
    }

    @Test(arguments: Array(1...8) as [UInt64])
    func anAdminDenyForAPairDeniesItWhateverElseIsWritten(seed: UInt64) throws {
        var cluster = RandomCluster(seed: seed + 1400, pods: 10, policies: 12, tiered: true)
        let source = cluster.pods[0]
        let destination = cluster.pods[1]
        cluster.snapshot.upsert(
            .clusterPolicy(
                ClusterNetworkPolicy(
                    name: "0-deny-pair", level: .admin, priority: 0,
                    subject: .pods(
                        .init(
                            namespaceSelector: LabelSelector(matchLabels: [Namespace.nameLabel: destination.namespace]),
                            podSelector: .everything)),
                    ingress: [
                        .init(
                            action: .deny,
                            peers: [.networks(source.ips.map { CIDR(network: $0, prefixLength: $0.isIPv4 ? 32 : 128) })])
                    ])))
        let set = CompiledPolicySet(cluster.snapshot)
        for port in [53, 80, 8080, nil] as [Int?] {
            let question = DecisionRequest(
                source: .pod(namespace: source.namespace, name: source.name),
                destination: .pod(namespace: destination.namespace, name: destination.name), port: port)
            #expect(try !set.decide(question).allowed, "seed \(seed) port \(String(describing: port))")
        }
    }

    @Test(arguments: Array(1...8) as [UInt64])
    func aBaselinePolicyNeverChangesTheAnswerForAPodANetworkPolicySelects(seed: UInt64) throws {
        var cluster = RandomCluster(seed: seed + 1500, pods: 10, policies: 12, tiered: false)
        let before = CompiledPolicySet(cluster.snapshot)
        cluster.snapshot.upsert(
            .clusterPolicy(
                ClusterNetworkPolicy(
                    name: "default", level: .baseline, priority: nil, subject: .namespaces(.everything),
                    ingress: [.init(action: .deny, peers: [.namespaces(.everything)])],
                    egress: [.init(action: .deny, peers: [.networks([CIDR("0.0.0.0/0")!])])])))
        let after = CompiledPolicySet(cluster.snapshot)
        var compared = 0
        for source in cluster.pods {
            for destination in cluster.pods {
                let question = DecisionRequest(
                    source: .pod(namespace: source.namespace, name: source.name),
                    destination: .pod(namespace: destination.namespace, name: destination.name), port: 80)
                let old = try before.decide(question)
                let new = try after.decide(question)
                // A side some Kubernetes NetworkPolicy selects is decided in the default tier (unless a
                // Calico Pass rule there hands it on, which is Calico's extension, not Kubernetes').
                func decidedByDefaultTier(_ side: SideDecision) -> Bool {
                    side.reason != .passedThrough
                        && side.policies.contains { $0.kind == "NetworkPolicy" && $0.apiVersion == "networking.k8s.io/v1" }
                }
                if let side = old.ingress, decidedByDefaultTier(side) {
                    #expect(new.ingress?.allowed == side.allowed, "seed \(seed)")
                    compared += 1
                }
                if let side = old.egress, decidedByDefaultTier(side) {
                    #expect(new.egress?.allowed == side.allowed, "seed \(seed)")
                    compared += 1
                }
            }
        }
        #expect(compared > 0)
    }
}
