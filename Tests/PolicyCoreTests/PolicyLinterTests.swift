import PolicyCore
import Testing

/// Namespaces `shop` (team=shop), `ops` (team=ops) and `quiet` (team=quiet, no pods); pods
/// shop/web (app=web, 10.0.0.1, port `http` 80/TCP), shop/db (app=db, 10.0.0.2, port `sql`
/// 5432/TCP), shop/api (app=api, 10.0.0.3) and ops/tool (app=tool, 10.1.0.1).
struct LintCluster {
    var snapshot = PolicySnapshot(revision: 5)

    init() {
        for (name, team) in [("shop", "shop"), ("ops", "ops"), ("quiet", "quiet")] {
            snapshot.upsert(.namespace(Namespace(name: name, labels: ["team": team])))
        }
        let pods: [(String, String, String, String, [Pod.NamedPort])] = [
            ("shop", "web", "web", "10.0.0.1", [Pod.NamedPort(name: "http", port: 80, protocol: .tcp)]),
            ("shop", "db", "db", "10.0.0.2", [Pod.NamedPort(name: "sql", port: 5432, protocol: .tcp)]),
            ("shop", "api", "api", "10.0.0.3", []),
            ("ops", "tool", "tool", "10.1.0.1", []),
        ]
        for (namespace, name, app, ip, ports) in pods {
            snapshot.upsert(
                .pod(Pod(namespace: namespace, name: name, labels: ["app": app], ips: [IPAddress(ip)!], namedPorts: ports)))
        }
    }

    mutating func kubernetes(_ name: String, namespace: String = "shop", _ spec: String) throws {
        snapshot.upsert(try ObjectDecoder.decode(try policyDocument(spec, name: name, namespace: namespace)).model)
    }

    /// A Calico NetworkPolicy, or with `namespace: nil` a GlobalNetworkPolicy.
    mutating func calico(_ name: String, namespace: String? = "shop", _ spec: String) throws {
        snapshot.upsert(try ObjectDecoder.decode(try calicoDocument(spec, name: name, namespace: namespace)).model)
    }

    /// A Deployment with no pods: only its template stands for them.
    mutating func deployment(_ name: String, namespace: String = "shop", labels: [String: String], ports: [Pod.NamedPort] = []) {
        snapshot.upsert(
            .workload(Workload(kind: .deployment, namespace: namespace, name: name, templateLabels: labels, namedPorts: ports)))
    }

    func findings(about keys: Set<ObjectKey>? = nil) throws -> [LintFinding] {
        let set = CompiledPolicySet(snapshot)
        return try PolicyLinter(set, index: ConnectivityIndex(set)).findings(about: keys)
    }

    /// `Code name field` per finding: what the tests compare.
    func summary(about keys: Set<ObjectKey>? = nil) throws -> [String] {
        try findings(about: keys).map { "\($0.code.rawValue) \($0.object?.name ?? "-") \($0.field ?? "-")" }
    }
}

@Suite struct PolicyLinterSelectionTests {
    @Test func aPodSelectorThatMatchesNoPodIsReportedOnIt() throws {
        var cluster = LintCluster()
        try cluster.kubernetes("typo", #"{"podSelector":{"matchLabels":{"app":"wbe"}},"policyTypes":["Ingress"]}"#)
        try cluster.kubernetes("fine", #"{"podSelector":{"matchLabels":{"app":"web"}},"policyTypes":["Ingress"]}"#)
        #expect(try cluster.summary() == ["SelectsNoPods typo spec.podSelector"])
        let finding = try #require(cluster.findings().first)
        #expect(finding.severity == .warning)
        #expect(
            finding.object
                == LintFinding.Object(apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", namespace: "shop", name: "typo"))
        #expect(
            finding.message.hasPrefix(#"podSelector "app=wbe" selects no stored pod or workload template in namespace "shop""#))
    }

    @Test func aWorkloadTemplateCountsAsThePodsItWillCreate() throws {
        var cluster = LintCluster()
        cluster.deployment("batch", labels: ["app": "batch"], ports: [Pod.NamedPort(name: "jobs", port: 9000, protocol: .tcp)])
        try cluster.kubernetes(
            "batch-from-api",
            #"{"podSelector":{"matchLabels":{"app":"batch"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"api"}}}],"ports":[{"port":"jobs"}]}]}"#
        )
        #expect(try cluster.summary() == [])
    }

    @Test func globalPoliciesAreJudgedClusterWideAndByTheirNamespaceSelector() throws {
        var cluster = LintCluster()
        try cluster.calico("nowhere", namespace: nil, #"{"namespaceSelector":"team == 'nope'","ingress":[{"action":"Allow"}]}"#)
        try cluster.calico("no-such-app", namespace: nil, #"{"selector":"app == 'ghost'","ingress":[{"action":"Allow"}]}"#)
        try cluster.calico("ops-only", namespace: nil, #"{"namespaceSelector":"team == 'ops'","ingress":[{"action":"Allow"}]}"#)
        // A namespace without pods is not enough for a policy's own selection.
        try cluster.calico("quiet", namespace: nil, #"{"namespaceSelector":"team == 'quiet'","ingress":[{"action":"Allow"}]}"#)
        #expect(
            try cluster.summary() == [
                "SelectsNoPods no-such-app spec.selector", "SelectsNoPods nowhere spec.namespaceSelector",
                "SelectsNoPods quiet spec.namespaceSelector",
            ])
    }

    @Test func aPeerThatSelectsNothingIsReportedAtItsPath() throws {
        var cluster = LintCluster()
        try cluster.kubernetes(
            "web",
            #"{"podSelector":{"matchLabels":{"app":"web"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"api"}}},{"podSelector":{"matchLabels":{"app":"apu"}}}]}]}"#
        )
        #expect(try cluster.summary() == ["PeerSelectsNothing web spec.ingress[0].from[1]"])
    }

    @Test func namespacePeersNeedOnlyANamespaceAndAddressPeersNeverCount() throws {
        var cluster = LintCluster()
        // The namespace quiet exists though nothing runs in it; an ipBlock selects no pods by design.
        try cluster.kubernetes(
            "web",
            #"{"podSelector":{"matchLabels":{"app":"web"}},"ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"team":"quiet"}}},{"ipBlock":{"cidr":"192.0.2.0/24"}},{"namespaceSelector":{"matchLabels":{"team":"ops"}},"podSelector":{"matchLabels":{"app":"tool"}}}]}]}"#
        )
        #expect(try cluster.summary() == [])
        try cluster.kubernetes(
            "web",
            #"{"podSelector":{"matchLabels":{"app":"web"}},"ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"team":"gone"}}},{"namespaceSelector":{"matchLabels":{"team":"ops"}},"podSelector":{"matchLabels":{"app":"web"}}}]}]}"#
        )
        let summary = try cluster.summary()
        #expect(
            summary == [
                "DenyAllInDisguise web spec.ingress", "PeerSelectsNothing web spec.ingress[0].from[0]",
                "PeerSelectsNothing web spec.ingress[0].from[1]",
            ], "\(summary)")
    }

    @Test func calicoEntitiesAreJudgedInTheirNamespaceScope() throws {
        var cluster = LintCluster()
        // tool lives in ops: a namespaced policy's bare selector only sees its own namespace.
        try cluster.calico(
            "web-out", #"{"selector":"app == 'web'","egress":[{"action":"Allow","destination":{"selector":"app == 'tool'"}}]}"#)
        try cluster.calico(
            "web-ops",
            #"{"selector":"app == 'web'","egress":[{"action":"Allow","destination":{"namespaceSelector":"team == 'ops'","selector":"app == 'tool'"}},{"action":"Allow","destination":{"namespaceSelector":"team == 'none'"}}]}"#
        )
        #expect(
            try cluster.summary() == [
                "PeerSelectsNothing web-ops spec.egress[1].destination.namespaceSelector",
                "DenyAllInDisguise web-out spec.egress", "PeerSelectsNothing web-out spec.egress[0].destination.selector",
            ])
    }

    @Test func aNamedPortNoCandidatePodDeclaresIsReported() throws {
        var cluster = LintCluster()
        try cluster.kubernetes(
            "web-in",
            #"{"podSelector":{"matchLabels":{"app":"web"}},"ingress":[{"ports":[{"port":"http"},{"port":"https"},{"port":"http","protocol":"UDP"}]}]}"#
        )
        try cluster.kubernetes(
            "api-out",
            #"{"podSelector":{"matchLabels":{"app":"api"}},"policyTypes":["Egress"],"egress":[{"to":[{"podSelector":{"matchLabels":{"app":"db"}}}],"ports":[{"port":"sql"},{"port":"http"}]},{"to":[{"ipBlock":{"cidr":"192.0.2.0/24"}}],"ports":[{"port":"dns","protocol":"UDP"}]}]}"#
        )
        #expect(
            try cluster.summary() == [
                "NamedPortUnresolved api-out spec.egress[0].ports[1]", "NamedPortUnresolved api-out spec.egress[1].ports[0]",
                "NamedPortUnresolved web-in spec.ingress[0].ports[1]", "NamedPortUnresolved web-in spec.ingress[0].ports[2]",
            ])
    }

    @Test func calicoNamedPortsResolveOnTheDestination() throws {
        var cluster = LintCluster()
        try cluster.calico(
            "to-db",
            #"{"selector":"app == 'api'","types":["Egress"],"egress":[{"action":"Allow","protocol":"TCP","destination":{"selector":"app == 'db'","ports":["sql","http"]}}]}"#
        )
        #expect(try cluster.summary() == ["NamedPortUnresolved to-db spec.egress[0].destination.ports[1]"])
    }
}

@Suite struct PolicyLinterShadowTests {
    @Test func aRuleWhosePortsAnEarlierRuleAlwaysTakesIsShadowed() throws {
        var cluster = LintCluster()
        try cluster.calico(
            "web",
            #"{"order":10,"selector":"app == 'web'","ingress":[{"action":"Allow","source":{"namespaceSelector":"team == 'ops'"}},{"action":"Deny","protocol":"TCP","source":{"namespaceSelector":"team == 'ops'"}}]}"#
        )
        #expect(try cluster.summary() == ["ShadowedRule web spec.ingress[1]"])
        let finding = try #require(cluster.findings().first)
        #expect(finding.message.contains("an earlier rule (spec.ingress[0]) decides first"))
    }

    @Test func aRuleWithOnePortLeftDecidesThatPort() throws {
        var cluster = LintCluster()
        try cluster.calico(
            "web",
            #"{"order":10,"selector":"app == 'web'","ingress":[{"action":"Allow","protocol":"TCP","source":{"namespaceSelector":"team == 'ops'"},"destination":{"ports":["1:79","81:65535"]}},{"action":"Deny","protocol":"TCP","source":{"namespaceSelector":"team == 'ops'"}}]}"#
        )
        #expect(try cluster.summary() == [])
    }

    @Test func aRuleShadowedForSomeSelectedPodsButNotOthersIsNotReported() throws {
        var cluster = LintCluster()
        try cluster.calico("first", #"{"order":1,"selector":"app == 'web'","ingress":[{"action":"Allow"}]}"#)
        try cluster.calico("second", #"{"order":2,"selector":"app in {'web', 'db'}","ingress":[{"action":"Deny"}]}"#)
        // For web, first's Allow always decides before second's Deny; for db nothing comes before it.
        #expect(try cluster.summary() == [])
        try cluster.calico("first", #"{"order":1,"selector":"app in {'web', 'db'}","ingress":[{"action":"Allow"}]}"#)
        let findings = try cluster.findings()
        #expect(findings.map(\.code) == [.shadowedRule])
        #expect(findings.first?.object?.name == "second")
        #expect(findings.first?.message.contains("Calico NetworkPolicy shop/first spec.ingress[0]") == true)
    }

    @Test func anEarlierRuleMustDecideForEveryPeerNotOnlySome() throws {
        var cluster = LintCluster()
        // Rule 0 takes only ops' pods; rule 1 also matches shop's and the outside world.
        try cluster.kubernetes(
            "web",
            #"{"podSelector":{"matchLabels":{"app":"web"}},"ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"team":"ops"}}}]},{"ports":[{"port":80}]}]}"#
        )
        #expect(try cluster.summary() == [])
        // Now rule 0 takes every peer on every port: rule 1 never decides.
        try cluster.kubernetes(
            "web",
            #"{"podSelector":{"matchLabels":{"app":"web"}},"ingress":[{},{"from":[{"podSelector":{}}],"ports":[{"port":80}]}]}"#)
        #expect(try cluster.summary() == ["ShadowedRule web spec.ingress[1]"])
    }

    @Test func externalAddressesAreEndpointsToo() throws {
        var cluster = LintCluster()
        // Rule 0 takes every pod; only rule 1 decides for addresses outside the pods.
        try cluster.kubernetes(
            "web",
            #"{"podSelector":{"matchLabels":{"app":"web"}},"ingress":[{"from":[{"namespaceSelector":{}}]},{"ports":[{"port":80}]}]}"#
        )
        #expect(try cluster.summary() == [])
    }

    @Test func aRuleThatMatchesNothingIsNotShadowed() throws {
        var cluster = LintCluster()
        try cluster.kubernetes(
            "web",
            #"{"podSelector":{"matchLabels":{"app":"web"}},"ingress":[{},{"from":[{"podSelector":{"matchLabels":{"app":"ghost"}}}]}]}"#
        )
        #expect(try cluster.summary() == ["PeerSelectsNothing web spec.ingress[1].from[0]"])
    }

    @Test func templatesThatNameAPortDifferentlyAreDifferentPeers() throws {
        var cluster = LintCluster()
        cluster.deployment("a-low", labels: ["app": "batch"], ports: [Pod.NamedPort(name: "jobs", port: 1000, protocol: .tcp)])
        cluster.deployment("b-high", labels: ["app": "batch"], ports: [Pod.NamedPort(name: "jobs", port: 2000, protocol: .tcp)])
        // For a-low, "jobs" is 1000, which rule 0 already allows; for b-high it is 2000, which only rule 1 does.
        try cluster.kubernetes(
            "web-out",
            #"{"podSelector":{"matchLabels":{"app":"web"}},"policyTypes":["Egress"],"egress":[{"to":[{"podSelector":{"matchLabels":{"app":"batch"}}}],"ports":[{"port":1000}]},{"to":[{"podSelector":{"matchLabels":{"app":"batch"}}}],"ports":[{"port":"jobs"}]}]}"#
        )
        #expect(try cluster.summary() == [])
    }

    @Test func logRulesDecideNothing() throws {
        var cluster = LintCluster()
        try cluster.calico("web", #"{"order":1,"selector":"app == 'web'","ingress":[{"action":"Log"},{"action":"Deny"}]}"#)
        #expect(try cluster.summary() == [])
    }
}

@Suite struct PolicyLinterPolicyTests {
    @Test func aCopyIsReportedOnTheLaterNameAndNamesTheFirst() throws {
        var cluster = LintCluster()
        let spec = #"{"podSelector":{"matchLabels":{"app":"web"}},"ingress":[{"ports":[{"port":80}]}]}"#
        try cluster.kubernetes("b-web", spec)
        try cluster.kubernetes("a-web", spec)
        // The same policy in another namespace is not a copy.
        try cluster.kubernetes("a-web", namespace: "ops", spec.replacing("web", with: "tool"))
        try cluster.kubernetes("c-web", namespace: "ops", spec.replacing("web", with: "tool").replacing("80", with: "81"))
        let findings = try cluster.findings()
        #expect(findings.map(\.code) == [.duplicatePolicy])
        let finding = try #require(findings.first)
        #expect(finding.object?.name == "b-web" && finding.related?.name == "a-web" && finding.severity == .info)
        #expect(finding.message.contains("NetworkPolicy shop/a-web"))
        // A write of the first copy reports it too: it is about both.
        let written = ObjectKey(kind: .networkPolicy, namespace: "shop", name: "a-web")
        #expect(try cluster.findings(about: [written]).map(\.code) == [.duplicatePolicy])
    }

    @Test func anAddressBlockOverPodAddressesIsReportedButNotTheWholeSpace() throws {
        var cluster = LintCluster()
        try cluster.kubernetes(
            "api-out",
            #"{"podSelector":{"matchLabels":{"app":"api"}},"policyTypes":["Egress"],"egress":[{"to":[{"ipBlock":{"cidr":"10.0.0.0/24"}},{"ipBlock":{"cidr":"0.0.0.0/0"}},{"ipBlock":{"cidr":"10.0.0.0/24","except":["10.0.0.0/28"]}},{"ipBlock":{"cidr":"192.0.2.0/24"}}]}]}"#
        )
        try cluster.calico(
            "tool-out", namespace: "ops",
            #"{"selector":"app == 'tool'","egress":[{"action":"Allow","destination":{"nets":["10.0.0.2/32","0.0.0.0/0"]}}]}"#)
        #expect(
            try cluster.summary() == [
                "AddressBlockCoversPods tool-out spec.egress[0].destination.nets[0]",
                "AddressBlockCoversPods api-out spec.egress[0].to[0].ipBlock",
            ])
        let finding = try #require(cluster.findings().last)
        #expect(
            finding.message.hasPrefix("ipBlock 10.0.0.0/24 contains the addresses of 3 stored pods (shop/web, shop/db, shop/api)")
        )
    }

    @Test func aRuleATiersDefaultDenyAlwaysReachesFirstIsShadowedAndTheTierNamed() throws {
        var cluster = LintCluster()
        cluster.snapshot.upsert(.tier(PolicyTier(name: "security", order: 10)))
        var gate = CalicoPolicy(namespace: nil, name: "gate", selector: .equals("app", "web"))
        var pass = CalicoPolicy.Rule(action: .pass)
        pass.protocol = 6
        pass.destination.ports = [.range(80, 80)]
        gate.ingress = [pass]
        gate.tier = "security"
        cluster.snapshot.upsert(.calicoPolicy(gate))
        // Port 80 passes on to the default tier; 443 ends at security's default Deny.
        try cluster.kubernetes(
            "web-https",
            #"{"podSelector":{"matchLabels":{"app":"web"}},"ingress":[{"ports":[{"port":443}]},{"ports":[{"port":80}]}]}"#)
        let findings = try cluster.findings().filter { $0.code == .shadowedRule }
        #expect(findings.map(\.field) == ["spec.ingress[0]"])
        #expect(findings.first?.message.contains("the end of tier security (default action Deny)") == true)
        #expect(findings.first?.message.contains("an earlier rule") == false)
    }

    @Test func equalOrdersTieOnlyWhereBothApplyToOnePodInOneDirection() throws {
        var cluster = LintCluster()
        try cluster.calico("b-web", #"{"order":100,"selector":"app == 'web'","ingress":[{"action":"Deny"}]}"#)
        try cluster.calico("a-db", #"{"order":100,"selector":"app == 'db'","ingress":[{"action":"Allow"}]}"#)
        try cluster.calico("c-web-out", #"{"order":100,"selector":"app == 'web'","egress":[{"action":"Allow"}]}"#)
        #expect(try cluster.summary() == [])
        try cluster.calico("a-web", namespace: nil, #"{"order":100,"selector":"app == 'web'","ingress":[{"action":"Allow"}]}"#)
        let findings = try cluster.findings()
        // b-web's Deny never decides now, either: a-web's Allow comes first by name.
        #expect(findings.map(\.code) == [.shadowedRule, .orderTie])
        let tie = findings[1]
        #expect(tie.object?.name == "b-web" && tie.related?.name == "a-web" && tie.field == "spec.order")
        #expect(tie.message.contains("both in tier default with order 100 and both apply to the ingress of 1 pod (shop/web)"))
    }

    @Test func allowRulesThatCanNeverMatchAreADenyAll() throws {
        var cluster = LintCluster()
        // The except takes the whole block; the ports are all excluded again.
        try cluster.kubernetes(
            "web-in",
            #"{"podSelector":{"matchLabels":{"app":"web"}},"ingress":[{"from":[{"ipBlock":{"cidr":"192.0.2.0/24","except":["192.0.2.0/25","192.0.2.128/25"]}}]}]}"#
        )
        try cluster.calico(
            "db-in",
            #"{"selector":"app == 'db'","ingress":[{"action":"Allow","protocol":"TCP","destination":{"ports":[5432],"notPorts":[5432]}}]}"#
        )
        #expect(try cluster.summary() == ["DenyAllInDisguise db-in spec.ingress", "DenyAllInDisguise web-in spec.ingress"])
        #expect(try cluster.findings().first?.severity == .error)
    }

    @Test func anHonestDenyAllIsNot() throws {
        var cluster = LintCluster()
        try cluster.kubernetes("deny", #"{"podSelector":{},"policyTypes":["Ingress","Egress"]}"#)
        try cluster.calico("deny-db", #"{"selector":"app == 'db'","ingress":[{"action":"Deny"}]}"#)
        // An ICMP allow is about traffic decisions do not model: it may well allow.
        try cluster.calico("ping", #"{"selector":"app == 'web'","ingress":[{"action":"Allow","protocol":"ICMP"}]}"#)
        #expect(try cluster.summary() == [])
    }

    @Test func aWriteHearsOnlyAboutWhatItWrote() throws {
        var cluster = LintCluster()
        try cluster.kubernetes("typo", #"{"podSelector":{"matchLabels":{"app":"wbe"}}}"#)
        try cluster.kubernetes("other", #"{"podSelector":{"matchLabels":{"app":"dbb"}}}"#)
        let key = ObjectKey(kind: .networkPolicy, namespace: "shop", name: "other")
        #expect(try cluster.summary(about: [key]) == ["SelectsNoPods other spec.podSelector"])
        #expect(try cluster.summary().count == 2)
    }

    @Test func anIndexOfAnotherRevisionIsRefused() throws {
        let cluster = LintCluster()
        let set = CompiledPolicySet(cluster.snapshot)
        var later = cluster.snapshot
        later.revision += 1
        #expect(throws: LintError.self) { try PolicyLinter(set, index: ConnectivityIndex(CompiledPolicySet(later))) }
    }
}
