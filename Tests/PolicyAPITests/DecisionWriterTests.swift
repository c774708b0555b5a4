import PolicyAPI
import PolicyCore
import Testing

/// The slow, obvious encoding of a decision, through a JSON tree: the oracle for ``DecisionWriter``.
enum DecisionOracle {
    static func json(_ decision: Decision) -> JSONValue {
        var object: [String: JSONValue] = [
            "allowed": .bool(decision.allowed), "revision": .integer(decision.revision),
        ]
        if let egress = decision.egress { object["egress"] = json(egress) }
        if let ingress = decision.ingress { object["ingress"] = json(ingress) }
        if let ports = decision.ports { object["ports"] = json(ports) }
        return .object(object)
    }

    static func json(_ side: SideDecision) -> JSONValue {
        var object: [String: JSONValue] = ["allowed": .bool(side.allowed), "reason": .string(side.reason.rawValue)]
        if let policy = side.policy { object["policy"] = json(policy) }
        if let rule = side.rule { object["rule"] = .integer(Int64(rule)) }
        if let action = side.action { object["action"] = .string(action) }
        if !side.policies.isEmpty { object["policies"] = .array(side.policies.map(json)) }
        if let ports = side.ports { object["ports"] = json(ports) }
        if let ruleName = side.ruleName { object["ruleName"] = .string(ruleName) }
        if let tier = side.tier { object["tier"] = .string(tier) }
        if let passed = side.passed { object["passed"] = .array(passed.map(json)) }
        return .object(object)
    }

    static func json(_ pass: TierPass) -> JSONValue {
        var object: [String: JSONValue] = ["tier": .string(pass.tier)]
        if let policy = pass.policy { object["policy"] = json(policy) }
        if let rule = pass.rule { object["rule"] = .integer(Int64(rule)) }
        if let ruleName = pass.ruleName { object["ruleName"] = .string(ruleName) }
        return .object(object)
    }

    static func json(_ policy: PolicyReference) -> JSONValue {
        var object: [String: JSONValue] = [
            "kind": .string(policy.kind), "apiVersion": .string(policy.apiVersion), "name": .string(policy.name),
        ]
        if let namespace = policy.namespace { object["namespace"] = .string(namespace) }
        return .object(object)
    }

    static func json(_ ports: PortSet) -> JSONValue {
        .array(ports.ranges.map { .array([.integer(Int64($0.lowerBound)), .integer(Int64($0.upperBound))]) })
    }
}

@Suite struct DecisionWriterTests {
    /// Hand-made decisions: the branch that writes references given by value, and string escaping.
    @Test(arguments: [
        Decision(allowed: true, revision: 3, egress: nil, ingress: nil),
        Decision(
            allowed: false, revision: 42,
            egress: SideDecision(
                allowed: true, reason: .allowedByPolicy,
                policy: PolicyReference(
                    kind: "GlobalNetworkPolicy", apiVersion: "projectcalico.org/v3", namespace: nil, name: "trusted \"q\""),
                rule: 0, action: "Allow", tier: "security",
                passed: [
                    TierPass(
                        tier: "kube-admin",
                        policy: PolicyReference(
                            kind: "ClusterNetworkPolicy", apiVersion: "policy.networking.k8s.io/v1alpha2", namespace: nil,
                            name: "pass-ops"),
                        rule: 2, ruleName: "pass \"ops\""),
                    TierPass(tier: "platform"),
                ]),
            ingress: SideDecision(
                allowed: false, reason: .noRuleMatched, tier: "default",
                policies: [PolicyReference(kind: "NetworkPolicy", namespace: "x", name: "default-deny")],
                ports: PortSet(ranges: [6379...6379])),
            ports: PortSet(ranges: [1...10, 20...30])),
    ])
    func theDirectWriterProducesWhatTheGeneralEncoderDoes(decision: Decision) throws {
        let direct = try JSONParser.parse(DecisionWriter.bytes(decision))
        #expect(direct == DecisionOracle.json(decision))
    }

    /// A small cluster with policies of both families (namespaced and global), for real decisions.
    static func compiledCluster() throws -> CompiledPolicySet {
        let documents = [
            #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"x","labels":{"team":"a"}}}"#,
            #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"y"}}"#,
            #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"x","labels":{"app":"web"}},"spec":{"containers":[{"name":"c","ports":[{"name":"http","containerPort":8080}]}]},"status":{"podIP":"10.0.0.1"}}"#,
            #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"db","namespace":"x","labels":{"app":"db"}},"status":{"podIP":"10.0.0.2"}}"#,
            #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"tool","namespace":"y","labels":{"app":"tool"}},"status":{"podIP":"10.0.1.1"}}"#,
            #"{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"db-from-web","namespace":"x"},"spec":{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"web"}}}],"ports":[{"port":5432}]}]}}"#,
            #"{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"web-egress","namespace":"x"},"spec":{"podSelector":{"matchLabels":{"app":"web"}},"policyTypes":["Egress"],"egress":[{"ports":[{"port":5432},{"port":53,"protocol":"UDP"}]}]}}"#,
            #"{"apiVersion":"projectcalico.org/v3","kind":"GlobalNetworkPolicy","metadata":{"name":"deny-ssh"},"spec":{"order":10,"selector":"all()","ingress":[{"action":"Deny","protocol":"TCP","destination":{"ports":[22]}},{"action":"Pass"}]}}"#,
            #"{"apiVersion":"projectcalico.org/v3","kind":"NetworkPolicy","metadata":{"name":"tool-http","namespace":"y"},"spec":{"order":500,"selector":"app == 'tool'","types":["Ingress","Egress"],"ingress":[{"action":"Log"},{"action":"Allow","protocol":"TCP","destination":{"ports":["http",80]}}],"egress":[{"action":"Allow","destination":{"nets":["10.0.0.0/24"]}}]}}"#,
        ]
        var snapshot = PolicySnapshot(revision: 9)
        for document in documents { snapshot.upsert(try ObjectDecoder.decode(try JSONParser.parse(document)).model) }
        return CompiledPolicySet(snapshot)
    }

    /// Real decisions carry their applied policies as compiled policies with pre-encoded references:
    /// the branch production takes. Every answer must read as the oracle reads it, and byte for byte
    /// as the same answer with its references given by value.
    @Test func decisionsFromTheEvaluatorAreWrittenAsTheOracleReadsThem() throws {
        let compiled = try Self.compiledCluster()
        let endpoints: [Endpoint] = [
            .pod(namespace: "x", name: "web"), .pod(namespace: "x", name: "db"), .pod(namespace: "y", name: "tool"),
            .address(IPAddress("10.0.0.2")!), .address(IPAddress("8.8.8.8")!),
            .workload(namespace: "x", labels: ["app": "web"], ip: nil),
        ]
        var withPolicies = 0
        var references: Set<PolicyReference> = []
        for source in endpoints {
            for destination in endpoints {
                for port in [22, 53, 80, 5432, 8080, nil] as [Int?] {
                    for proto in [TransportProtocol.tcp, .udp] {
                        let decision = try compiled.decide(
                            DecisionRequest(source: source, destination: destination, port: port, protocol: proto))
                        let bytes = DecisionWriter.bytes(decision)
                        #expect(
                            try JSONParser.parse(bytes) == DecisionOracle.json(decision),
                            "\(source) -> \(destination) \(String(describing: port))")
                        var byValue = decision
                        for side in [\Decision.egress, \Decision.ingress] {
                            guard let policies = decision[keyPath: side]?.policies, !policies.isEmpty else { continue }
                            withPolicies += 1
                            references.formUnion(policies)
                            byValue[keyPath: side]?.policies = policies
                        }
                        #expect(bytes == DecisionWriter.bytes(byValue), "\(source) -> \(destination) \(String(describing: port))")
                    }
                }
            }
        }
        // Not vacuous: answers listed applied policies, of both families, with and without a namespace.
        #expect(withPolicies > 100)
        #expect(Set(references.map(\.apiVersion)) == ["networking.k8s.io/v1", "projectcalico.org/v3"])
        #expect(references.contains { $0.namespace == nil } && references.contains { $0.namespace != nil })
    }
}
