import PolicyCore
import Testing

/// Namespaces `app` (team=dev) and `ops` (team=ops); pods app/svc, app/other, ops/tool.
struct CalicoCluster {
    var snapshot = PolicySnapshot(revision: 3)

    init() {
        snapshot.upsert(.namespace(Namespace(name: "app", labels: ["team": "dev"])))
        snapshot.upsert(.namespace(Namespace(name: "ops", labels: ["team": "ops"])))
        let ports = [
            Pod.NamedPort(name: "metrics", port: 9100, protocol: .tcp), Pod.NamedPort(name: "dns", port: 5353, protocol: .udp),
        ]
        snapshot.upsert(
            .pod(Pod(namespace: "app", name: "svc", labels: ["app": "svc"], ips: [IPAddress("10.1.0.1")!], namedPorts: ports)))
        snapshot.upsert(.pod(Pod(namespace: "app", name: "other", labels: ["app": "other"], ips: [IPAddress("10.1.0.2")!])))
        snapshot.upsert(.pod(Pod(namespace: "ops", name: "tool", labels: ["app": "tool"], ips: [IPAddress("10.2.0.1")!])))
    }

    mutating func add(_ spec: String, name: String, namespace: String? = nil) throws {
        snapshot.upsert(try ObjectDecoder.decode(try calicoDocument(spec, name: name, namespace: namespace)).model)
    }

    mutating func addKubernetes(_ spec: String, name: String, namespace: String) throws {
        snapshot.upsert(try ObjectDecoder.decode(try policyDocument(spec, name: name, namespace: namespace)).model)
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
}

@Suite struct CalicoEvaluationTests {
    @Test func theFirstMatchingAllowOrDenyInOrderDecides() throws {
        var cluster = CalicoCluster()
        try cluster.add(#"{"order":200,"selector":"app == 'svc'","ingress":[{"action":"Allow"}]}"#, name: "b-allow")
        try cluster.add(
            #"{"order":100,"selector":"app == 'svc'","ingress":[{"action":"Deny","source":{"selector":"app == 'other'"}}]}"#,
            name: "a-deny")
        let denied = try cluster.decide("app/other", "app/svc")
        #expect(!denied.allowed)
        #expect(denied.ingress?.reason == .deniedByPolicy)
        #expect(denied.ingress?.policy?.name == "a-deny")
        #expect(denied.ingress?.action == "Deny")
        #expect(denied.ingress?.policies.map(\.name) == ["a-deny", "b-allow"])
        let allowed = try cluster.decide("ops/tool", "app/svc")
        #expect(allowed.allowed)
        #expect(allowed.ingress?.policy?.name == "b-allow")
    }

    @Test func logGoesOnToTheNextRule() throws {
        var cluster = CalicoCluster()
        try cluster.add(
            #"{"selector":"app == 'svc'","ingress":[{"action":"Log"},{"action":"Allow","protocol":"TCP","destination":{"ports":[80]}}]}"#,
            name: "p")
        let decision = try cluster.decide("ops/tool", "app/svc")
        #expect(decision.allowed)
        #expect(decision.ingress?.rule == 1)
        #expect(try !cluster.decide("ops/tool", "app/svc", port: 81).allowed)
    }

    @Test func passSkipsTheRestOfTheTierIncludingKubernetesPolicies() throws {
        var cluster = CalicoCluster()
        try cluster.add(
            #"{"order":100,"selector":"app == 'svc'","ingress":[{"action":"Pass","source":{"namespaceSelector":"team == 'ops'"}}]}"#,
            name: "pass")
        try cluster.add(#"{"order":200,"selector":"app == 'svc'","ingress":[{"action":"Deny"}]}"#, name: "deny")
        try cluster.addKubernetes(#"{"podSelector":{}}"#, name: "isolate", namespace: "app")
        let passed = try cluster.decide("ops/tool", "app/svc")
        #expect(passed.allowed)
        #expect(passed.ingress?.reason == .passedThrough)
        #expect(passed.ingress?.passed == [TierPass(tier: "default", policy: passed.ingress?.policies.first, rule: 0)])
        #expect(try !cluster.decide("app/other", "app/svc").allowed)
        #expect(try !cluster.decide("203.0.113.1", "app/svc").allowed)  // namespaceSelector never matches an external address
    }

    @Test func aPolicyThatAppliesButMatchesNothingIsNotADenyYetIsolates() throws {
        var cluster = CalicoCluster()
        try cluster.add(
            #"{"order":10,"selector":"app == 'svc'","ingress":[{"action":"Deny","source":{"selector":"app == 'nobody'"}}]}"#,
            name: "deny-nobody")
        try cluster.add(
            #"{"order":20,"selector":"app == 'svc'","ingress":[{"action":"Allow","source":{"selector":"app == 'tool'"}}]}"#,
            name: "allow-tool")
        #expect(try cluster.decide("ops/tool", "app/svc").allowed)
        let other = try cluster.decide("app/other", "app/svc")
        #expect(!other.allowed)
        #expect(other.ingress?.reason == .noRuleMatched)
    }

    @Test func kubernetesPoliciesSitAtOrder1000() throws {
        var cluster = CalicoCluster()
        try cluster.addKubernetes(
            #"{"podSelector":{"matchLabels":{"app":"svc"}},"ingress":[{}]}"#, name: "allow-all", namespace: "app")
        try cluster.add(
            #"{"order":999,"selector":"app == 'svc'","ingress":[{"action":"Deny","source":{"selector":"app == 'tool'"}}]}"#,
            name: "before")
        try cluster.add(#"{"order":1001,"selector":"app == 'svc'","ingress":[{"action":"Deny"}]}"#, name: "after")
        try cluster.add(#"{"selector":"app == 'svc'","ingress":[{"action":"Deny"}]}"#, name: "unordered")
        let tool = try cluster.decide("ops/tool", "app/svc")
        #expect(tool.ingress?.policy?.name == "before")
        let other = try cluster.decide("app/other", "app/svc")
        #expect(other.allowed)
        #expect(other.ingress?.policy?.kind == "NetworkPolicy")
        #expect(other.ingress?.policies.map(\.name) == ["before", "allow-all", "after", "unordered"])
    }

    @Test func equalOrdersAreBrokenByName() throws {
        var cluster = CalicoCluster()
        try cluster.add(#"{"order":5,"selector":"app == 'svc'","ingress":[{"action":"Deny"}]}"#, name: "b")
        try cluster.add(#"{"order":5,"selector":"app == 'svc'","ingress":[{"action":"Allow"}]}"#, name: "a")
        #expect(try cluster.decide("ops/tool", "app/svc").allowed)
    }

    @Test func namespacedPoliciesSelectAndMatchOnlyTheirNamespace() throws {
        var cluster = CalicoCluster()
        try cluster.add(
            #"{"selector":"all()","ingress":[{"action":"Allow","source":{"selector":"all()"}}]}"#, name: "same-ns",
            namespace: "app")
        #expect(try cluster.decide("app/other", "app/svc").allowed)
        #expect(try !cluster.decide("ops/tool", "app/svc").allowed)
        #expect(try cluster.decide("app/svc", "ops/tool").ingress?.reason == .notIsolated)
    }

    @Test func selectorsNeverMatchExternalAddressesButNotSelectorDoes() throws {
        var cluster = CalicoCluster()
        try cluster.add(
            #"{"selector":"app == 'svc'","ingress":[{"action":"Allow","source":{"notSelector":"app == 'other'"}}]}"#,
            name: "not-other")
        #expect(try cluster.decide("203.0.113.1", "app/svc").allowed)
        #expect(try cluster.decide("ops/tool", "app/svc").allowed)
        #expect(try !cluster.decide("app/other", "app/svc").allowed)
        var selecting = CalicoCluster()
        try selecting.add(
            #"{"selector":"app == 'svc'","ingress":[{"action":"Allow","source":{"selector":"all()"}}]}"#, name: "pods-only")
        #expect(try !selecting.decide("203.0.113.1", "app/svc").allowed)
    }

    @Test func podsCarryCalicosLabels() throws {
        var cluster = CalicoCluster()
        try cluster.add(
            #"{"selector":"projectcalico.org/namespace == 'app' && projectcalico.org/orchestrator == 'k8s' && pcns.team == 'dev' && pcns.projectcalico.org/name == 'app'","ingress":[{"action":"Deny"}]}"#,
            name: "labels")
        #expect(try !cluster.decide("ops/tool", "app/svc").allowed)
        #expect(try cluster.decide("app/svc", "ops/tool").allowed)
    }

    @Test func globalNamespaceSelectorSelectsByNamespaceLabels() throws {
        var cluster = CalicoCluster()
        try cluster.add(#"{"namespaceSelector":"team == 'ops'","egress":[{"action":"Deny"}]}"#, name: "ops-egress")
        #expect(try !cluster.decide("ops/tool", "8.8.8.8").allowed)
        #expect(try cluster.decide("app/svc", "8.8.8.8").allowed)
    }

    @Test func protocolsNetsAndPortsAreANDed() throws {
        var cluster = CalicoCluster()
        try cluster.add(
            #"{"selector":"app == 'svc'","types":["Egress"],"egress":[{"action":"Allow","protocol":"TCP","destination":{"nets":["10.0.0.0/8"],"notNets":["10.2.0.0/16"],"ports":[443,"8000:8080"]}},{"action":"Allow","notProtocol":"TCP","destination":{"nets":["192.168.0.0/16"]}}]}"#,
            name: "egress")
        #expect(try cluster.decide("app/svc", "10.9.0.1", port: 443).allowed)
        #expect(try cluster.decide("app/svc", "10.9.0.1", port: 8080).allowed)
        #expect(try !cluster.decide("app/svc", "10.9.0.1", port: 8081).allowed)
        #expect(try !cluster.decide("app/svc", "ops/tool", port: 443).allowed)  // 10.2.0.1 is in notNets
        #expect(try !cluster.decide("app/svc", "10.9.0.1", port: 443, .udp).allowed)
        #expect(try cluster.decide("app/svc", "192.168.1.1", port: 53, .udp).allowed)
        #expect(try !cluster.decide("app/svc", "192.168.1.1", port: 53, .tcp).allowed)
        let ranges = try cluster.decide("app/svc", "10.9.0.1", port: nil)
        #expect(ranges.ports?.ranges == [443...443, 8000...8080])
    }

    @Test func namedPortsMatchTheDeclaredProtocolOnly() throws {
        var cluster = CalicoCluster()
        try cluster.add(
            #"{"selector":"app == 'svc'","ingress":[{"action":"Allow","destination":{"ports":["metrics","dns"]}}]}"#,
            name: "named")
        #expect(try cluster.decide("ops/tool", "app/svc", port: 9100).allowed)
        #expect(try !cluster.decide("ops/tool", "app/svc", port: 9100, .udp).allowed)
        #expect(try cluster.decide("ops/tool", "app/svc", port: 5353, .udp).allowed)
    }

    @Test func notPortsCarveOutOfAnAllow() throws {
        var cluster = CalicoCluster()
        try cluster.add(
            #"{"selector":"app == 'svc'","ingress":[{"action":"Allow","protocol":"TCP","destination":{"notPorts":[22,"8000:8999"]}}]}"#,
            name: "not-ports")
        #expect(try !cluster.decide("ops/tool", "app/svc", port: 22).allowed)
        #expect(try !cluster.decide("ops/tool", "app/svc", port: 8500).allowed)
        #expect(try cluster.decide("ops/tool", "app/svc", port: 9000).allowed)
    }

    @Test func theSeedGuidesEgressPoliciesGiveTheAnswersSemanticsStates() throws {
        var cluster = CalicoCluster()
        cluster.snapshot.upsert(.namespace(Namespace(name: "trusted", labels: [:])))
        cluster.snapshot.upsert(.pod(Pod(namespace: "trusted", name: "app", labels: [:], ips: [IPAddress("10.3.0.1")!])))
        cluster.snapshot.upsert(try ObjectDecoder.decode(try JSONParser.parse(CalicoV1ConversionTests.seedDeny)).model)
        cluster.snapshot.upsert(try ObjectDecoder.decode(try JSONParser.parse(CalicoV1ConversionTests.seedTrusted)).model)
        #expect(try cluster.decide("trusted/app", "8.8.8.8", port: 53, .udp).allowed)
        let other = try cluster.decide("app/svc", "8.8.8.8", port: 53, .udp)
        #expect(!other.allowed)
        #expect(other.egress?.policy?.name == "default-deny-egress")
        #expect(try !cluster.decide("app/svc", "1.1.1.1", port: 443).allowed)
        #expect(try !cluster.decide("trusted/app", "1.1.1.1", port: 443).allowed)
        #expect(try !cluster.decide("app/svc", "app/other", port: 80).allowed)
        #expect(try cluster.decide("8.8.8.8", "app/svc", port: 80).allowed)
    }
}

@Suite struct CalicoEveryPortTests {
    @Test func everyPortQuestionsFollowTheOrderedWalk() throws {
        var cluster = CalicoCluster()
        try cluster.add(
            #"{"order":1,"selector":"app == 'svc'","ingress":[{"action":"Deny","protocol":"TCP","destination":{"ports":[22]}},{"action":"Log"},{"action":"Allow","protocol":"TCP","destination":{"ports":["1:1024"]}}]}"#,
            name: "a")
        try cluster.add(
            #"{"order":2,"selector":"app == 'svc'","ingress":[{"action":"Pass","protocol":"TCP","destination":{"ports":["8000:8100"]}}]}"#,
            name: "b")
        let decision = try cluster.decide("ops/tool", "app/svc", port: nil)
        #expect(!decision.allowed)
        #expect(decision.ports?.ranges == [1...21, 23...1024, 8000...8100])
        #expect(decision.ingress?.reason == .deniedByPolicy)
        #expect(decision.ingress?.policy?.name == "a")
        #expect(try cluster.decide("ops/tool", "app/svc", port: 8050).ingress?.reason == .passedThrough)
        #expect(try !cluster.decide("ops/tool", "app/svc", port: 22).allowed)
        #expect(try !cluster.decide("ops/tool", "app/svc", port: 5000).allowed)
    }

    @Test func ipVersionMatchesTheConnectionsFamily() throws {
        var cluster = CalicoCluster()
        try cluster.add(
            #"{"selector":"app == 'svc'","types":["Egress"],"egress":[{"action":"Allow","ipVersion":6}]}"#, name: "v6-only")
        #expect(try cluster.decide("app/svc", "fd00::1", port: 443).allowed)
        #expect(try !cluster.decide("app/svc", "10.9.9.9", port: 443).allowed)
    }
}
