import PolicyCore
import Testing

/// A small cluster: namespaces x (team=a) and y (team=b); pods with IPs and named ports.
struct Cluster {
    var snapshot = PolicySnapshot(revision: 7)

    init(policies: [String] = []) throws {
        snapshot.upsert(.namespace(Namespace(name: "x", labels: ["team": "a"])))
        snapshot.upsert(.namespace(Namespace(name: "y", labels: ["team": "b"])))
        let ports = [
            Pod.NamedPort(name: "http", port: 8080, protocol: .tcp), Pod.NamedPort(name: "dns", port: 53, protocol: .udp),
        ]
        snapshot.upsert(
            .pod(Pod(namespace: "x", name: "a", labels: ["app": "web"], ips: [IPAddress("10.0.1.1")!], namedPorts: ports)))
        snapshot.upsert(
            .pod(Pod(namespace: "x", name: "b", labels: ["app": "db"], ips: [IPAddress("10.0.1.2")!], namedPorts: ports)))
        snapshot.upsert(
            .pod(Pod(namespace: "y", name: "a", labels: ["app": "web"], ips: [IPAddress("10.0.2.1")!], namedPorts: ports)))
        for (offset, spec) in policies.enumerated() {
            try add(spec, name: "p\(offset)")
        }
    }

    mutating func add(_ spec: String, name: String, namespace: String = "x") throws {
        let decoded = try ObjectDecoder.decode(try policyDocument(spec, name: name, namespace: namespace))
        snapshot.upsert(decoded.model)
    }

    func decide(_ from: String, _ to: String, port: Int? = 80, _ proto: TransportProtocol = .tcp) throws -> Decision {
        func endpoint(_ text: String) -> Endpoint {
            if let address = IPAddress(text) { return .address(address) }
            let parts = text.split(separator: "/")
            return .pod(namespace: String(parts[0]), name: String(parts[1]))
        }
        return try CompiledPolicySet(snapshot).decide(
            DecisionRequest(source: endpoint(from), destination: endpoint(to), port: port, protocol: proto))
    }

    func allowed(_ from: String, _ to: String, port: Int? = 80, _ proto: TransportProtocol = .tcp) throws -> Bool {
        try decide(from, to, port: port, proto).allowed
    }
}

@Suite struct EvaluatorTests {
    @Test func withoutPoliciesEverythingIsAllowedAndNotIsolated() throws {
        let decision = try Cluster().decide("x/a", "x/b")
        #expect(decision.allowed)
        #expect(decision.revision == 7)
        #expect(decision.ingress?.reason == .notIsolated)
        #expect(decision.egress?.reason == .notIsolated)
    }

    @Test func isolationIsPerDirection() throws {
        let cluster = try Cluster(policies: [#"{"podSelector":{"matchLabels":{"app":"db"}},"policyTypes":["Ingress"]}"#])
        #expect(try !cluster.allowed("x/a", "x/b"))
        #expect(try cluster.allowed("x/b", "x/a"))  // x/b's egress is not isolated
        let decision = try cluster.decide("x/a", "x/b")
        #expect(decision.ingress?.reason == .noRuleMatched)
        #expect(decision.ingress?.policies == [PolicyReference(kind: "NetworkPolicy", namespace: "x", name: "p0")])
    }

    @Test func bothSidesMustAllow() throws {
        var cluster = try Cluster(policies: [#"{"podSelector":{},"policyTypes":["Egress"]}"#])
        try cluster.add(#"{"podSelector":{},"ingress":[{}]}"#, name: "open", namespace: "y")
        #expect(try !cluster.allowed("x/a", "y/a"))  // egress of x/a denies
        #expect(try cluster.decide("x/a", "y/a").ingress?.allowed == true)
    }

    @Test(arguments: [
        // from absent, from [], and {} rules allow every peer, external addresses included
        (#"{"ingress":[{}]}"#, "8.8.8.8", true),
        (#"{"ingress":[{"from":[]}]}"#, "8.8.8.8", true),
        (#"{"ingress":[{"ports":[{"port":80}]}]}"#, "8.8.8.8", true),
        // no rules under a listed type allow nothing
        (#"{"ingress":[]}"#, "x/b", false),
        // podSelector alone is the policy's namespace only
        (#"{"ingress":[{"from":[{"podSelector":{}}]}]}"#, "x/b", true),
        (#"{"ingress":[{"from":[{"podSelector":{}}]}]}"#, "y/a", false),
        (#"{"ingress":[{"from":[{"podSelector":{}}]}]}"#, "8.8.8.8", false),
        // namespaceSelector {} is every namespace, but pods only
        (#"{"ingress":[{"from":[{"namespaceSelector":{}}]}]}"#, "y/a", true),
        (#"{"ingress":[{"from":[{"namespaceSelector":{}}]}]}"#, "8.8.8.8", false),
        // both in one peer: ANDed
        (
            #"{"ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"team":"b"}},"podSelector":{"matchLabels":{"app":"db"}}}]}]}"#,
            "y/a", false
        ),
        (
            #"{"ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"team":"b"}},"podSelector":{"matchLabels":{"app":"web"}}}]}]}"#,
            "y/a", true
        ),
        // two peers: ORed
        (
            #"{"ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"team":"b"}}},{"podSelector":{"matchLabels":{"app":"db"}}}]}]}"#,
            "x/b", true
        ),
        // matchExpressions: NotIn and DoesNotExist match a missing key
        (
            #"{"ingress":[{"from":[{"namespaceSelector":{"matchExpressions":[{"key":"zone","operator":"NotIn","values":["z"]}]}}]}]}"#,
            "y/a", true
        ),
        (
            #"{"ingress":[{"from":[{"namespaceSelector":{"matchExpressions":[{"key":"team","operator":"In","values":["a"]}]}}]}]}"#,
            "y/a", false
        ),
        (
            #"{"ingress":[{"from":[{"podSelector":{"matchExpressions":[{"key":"tier","operator":"DoesNotExist"}]}}]}]}"#, "x/b",
            true
        ),
        (#"{"ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"y"}}}]}]}"#, "y/a", true),
        // ipBlock matches pod addresses too, and except carves out
        (#"{"ingress":[{"from":[{"ipBlock":{"cidr":"10.0.0.0/16"}}]}]}"#, "y/a", true),
        (#"{"ingress":[{"from":[{"ipBlock":{"cidr":"10.0.0.0/16","except":["10.0.2.0/24"]}}]}]}"#, "y/a", false),
        (#"{"ingress":[{"from":[{"ipBlock":{"cidr":"8.8.0.0/16"}}]}]}"#, "8.8.8.8", true),
        (#"{"ingress":[{"from":[{"ipBlock":{"cidr":"fd00::/8"}}]}]}"#, "8.8.8.8", false),
    ])
    func peersOfIngressRules(spec: String, from: String, allowed: Bool) throws {
        let cluster = try Cluster(policies: [spec])
        #expect(try cluster.allowed(from, "x/a") == allowed)
    }

    @Test(arguments: [
        // protocol defaults to TCP
        (#"{"ingress":[{"ports":[{"port":80}]}]}"#, 80, TransportProtocol.tcp, true),
        (#"{"ingress":[{"ports":[{"port":80}]}]}"#, 80, TransportProtocol.udp, false),
        // protocol-only entries match every port of it
        (#"{"ingress":[{"ports":[{"protocol":"UDP"}]}]}"#, 5353, TransportProtocol.udp, true),
        (#"{"ingress":[{"ports":[{"protocol":"UDP"}]}]}"#, 5353, TransportProtocol.tcp, false),
        (#"{"ingress":[{"ports":[{"protocol":"SCTP","port":80}]}]}"#, 80, TransportProtocol.sctp, true),
        (#"{"ingress":[{"ports":[{"protocol":"SCTP","port":80}]}]}"#, 80, TransportProtocol.tcp, false),
        // endPort ranges are inclusive
        (#"{"ingress":[{"ports":[{"port":8000,"endPort":8100}]}]}"#, 8100, TransportProtocol.tcp, true),
        (#"{"ingress":[{"ports":[{"port":8000,"endPort":8100}]}]}"#, 8101, TransportProtocol.tcp, false),
        // named ports resolve on the destination pod, protocol included
        (#"{"ingress":[{"ports":[{"port":"http"}]}]}"#, 8080, TransportProtocol.tcp, true),
        (#"{"ingress":[{"ports":[{"port":"http"}]}]}"#, 80, TransportProtocol.tcp, false),
        (#"{"ingress":[{"ports":[{"port":"dns"}]}]}"#, 53, TransportProtocol.tcp, false),
        (#"{"ingress":[{"ports":[{"port":"dns","protocol":"UDP"}]}]}"#, 53, TransportProtocol.udp, true),
    ])
    func portsOfIngressRules(spec: String, port: Int, proto: TransportProtocol, allowed: Bool) throws {
        let cluster = try Cluster(policies: [spec])
        #expect(try cluster.allowed("x/b", "x/a", port: port, proto) == allowed)
    }

    @Test func namedPortsOnEgressResolveOnThePeerAndNeverOnExternalAddresses() throws {
        let cluster = try Cluster(policies: [
            #"{"podSelector":{},"policyTypes":["Egress"],"egress":[{"ports":[{"port":"http"}]}]}"#
        ])
        #expect(try cluster.allowed("x/a", "y/a", port: 8080))
        #expect(try !cluster.allowed("x/a", "y/a", port: 80))
        #expect(try !cluster.allowed("x/a", "8.8.8.8", port: 8080))
    }

    @Test func externalAddressesHaveNoSideAndPodAddressesArePods() throws {
        let cluster = try Cluster(policies: [#"{"podSelector":{}}"#])
        let external = try cluster.decide("8.8.8.8", "x/a")
        #expect(external.egress == nil)
        #expect(external.ingress?.allowed == false)
        let byAddress = try cluster.decide("10.0.1.2", "x/a")
        #expect(byAddress.egress != nil)  // 10.0.1.2 is x/b, so its egress is checked
        #expect(try cluster.decide("x/a", "1.1.1.1").ingress == nil)
    }

    @Test func selfTrafficIsEvaluatedLikeAnyOther() throws {
        let cluster = try Cluster(policies: [
            #"{"podSelector":{"matchLabels":{"app":"web"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"db"}}}]}]}"#
        ])
        #expect(try !cluster.allowed("x/a", "x/a"))
    }

    @Test func explanationNamesTheFirstAllowingPolicyAndRule() throws {
        let cluster = try Cluster(policies: [
            #"{"podSelector":{},"ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"nope"}}}]},{"ports":[{"port":80}]}]}"#,
            #"{"podSelector":{},"ingress":[{}]}"#,
        ])
        let side = try #require(try cluster.decide("x/b", "x/a").ingress)
        #expect(side.reason == .allowedByPolicy)
        #expect(side.policy?.name == "p0")
        #expect(side.rule == 1)
        #expect(side.policies.map(\.name) == ["p0", "p1"])
    }

    @Test func everyPortQuestionsReportAllowedRanges() throws {
        let cluster = try Cluster(policies: [
            #"{"podSelector":{},"ingress":[{"ports":[{"port":6379},{"port":7000,"endPort":7005}]}]}"#
        ])
        let decision = try cluster.decide("x/b", "x/a", port: nil)
        #expect(!decision.allowed)
        #expect(decision.ports?.ranges == [6379...6379, 7000...7005])
        let open = try Cluster().decide("x/b", "x/a", port: nil)
        #expect(open.allowed)
        #expect(open.ports == .all)
    }

    @Test func hypotheticalWorkloadsAreMatchedByLabels() throws {
        let cluster = try Cluster(policies: [
            #"{"podSelector":{"matchLabels":{"app":"web"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"role":"client"}}}]}]}"#
        ])
        let compiled = CompiledPolicySet(cluster.snapshot)
        let client = Endpoint.workload(namespace: "x", labels: ["role": "client"], ip: nil)
        #expect(
            try compiled.decide(DecisionRequest(source: client, destination: .pod(namespace: "x", name: "a"), port: 80)).allowed)
        let stranger = Endpoint.workload(namespace: "x", labels: ["role": "other"], ip: nil)
        #expect(
            try !compiled.decide(DecisionRequest(source: stranger, destination: .pod(namespace: "x", name: "a"), port: 80))
                .allowed)
        let target = Endpoint.workload(namespace: "x", labels: ["app": "web"], ip: nil)
        #expect(
            try !compiled.decide(DecisionRequest(source: .pod(namespace: "y", name: "a"), destination: target, port: 80)).allowed)
    }

    @Test func unknownPodsNamespacesAndPortsAreErrorsNotGuesses() throws {
        let compiled = CompiledPolicySet(try Cluster().snapshot)
        #expect(throws: DecisionError.self) {
            try compiled.decide(
                DecisionRequest(source: .pod(namespace: "x", name: "zz"), destination: .pod(namespace: "x", name: "a"), port: 80))
        }
        #expect(throws: DecisionError.self) {
            try compiled.decide(
                DecisionRequest(
                    source: .workload(namespace: "nope", labels: [:], ip: nil), destination: .pod(namespace: "x", name: "a"),
                    port: 80))
        }
        #expect(throws: DecisionError.self) {
            try compiled.decide(
                DecisionRequest(source: .pod(namespace: "x", name: "a"), destination: .pod(namespace: "x", name: "b"), port: 0))
        }
    }

    @Test func deletingANamespaceRemovesItsPodsAndPolicies() throws {
        var cluster = try Cluster(policies: [#"{"podSelector":{}}"#])
        cluster.snapshot.remove(ObjectKey(kind: .namespace, namespace: "", name: "x"))
        #expect(cluster.snapshot.pods.keys.allSatisfy { $0.namespace != "x" })
        #expect(cluster.snapshot.networkPolicies.isEmpty)
    }
}
