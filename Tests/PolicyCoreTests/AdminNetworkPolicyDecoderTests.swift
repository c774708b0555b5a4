import PolicyCore
import Testing

func anpWithEgress(_ rule: String) -> String {
    clusterPolicyJSON(
        #"{"priority":1,"subject":{"namespaces":{}},"egress":[\#(rule)]}"#, kind: "AdminNetworkPolicy")
}

func anpWithIngress(_ rule: String) -> String {
    clusterPolicyJSON(
        #"{"priority":1,"subject":{"namespaces":{}},"ingress":[\#(rule)]}"#, kind: "AdminNetworkPolicy")
}

func banpWithEgress(_ rule: String) -> String {
    clusterPolicyJSON(
        #"{"subject":{"namespaces":{}},"egress":[\#(rule)]}"#, kind: "BaselineAdminNetworkPolicy", name: "default")
}

@Suite struct AdminNetworkPolicyDecoderTests {
    /// An AdminNetworkPolicy as the v0.1.7 API describes one: pods subject, every port form, address peers.
    static let adminPolicy = #"""
        {"apiVersion":"policy.networking.k8s.io/v1alpha1","kind":"AdminNetworkPolicy","metadata":{"name":"cluster-control"},
         "spec":{"priority":34,
          "subject":{"pods":{"namespaceSelector":{"matchLabels":{"team":"shop"}},"podSelector":{"matchLabels":{"app":"web"}}}},
          "ingress":[
           {"name":"allow-monitoring","action":"Allow","from":[{"namespaces":{"matchLabels":{"kubernetes.io/metadata.name":"monitoring"}}}],
            "ports":[{"portNumber":{"protocol":"UDP","port":53}},{"portNumber":{"port":8080}},{"portRange":{"start":9000,"end":9100}},
                     {"namedPort":"metrics"}]},
           {"name":"pass-the-rest","action":"Pass","from":[{"namespaces":{}}]}],
          "egress":[
           {"name":"allow-dns-names","action":"Allow","to":[{"domainNames":["*.example.com"]}]},
           {"name":"deny-nodes-and-metadata","action":"Deny","to":[{"nodes":{}},{"networks":["169.254.169.254/32"]}],
            "ports":[{"portRange":{"protocol":"SCTP","start":1,"end":1}}]}]}}
        """#

    @Test func anAdminNetworkPolicyDecodesWithAllowReadAsAccept() throws {
        let decoded = try decodedDocument(Self.adminPolicy)
        #expect(decoded.key == ObjectKey(kind: .adminNetworkPolicy, namespace: "", name: "cluster-control"))
        guard case .clusterPolicy(let policy) = decoded.model else {
            Issue.record("not a cluster policy")
            return
        }
        #expect(policy.kind == .adminNetworkPolicy && policy.level == .admin && policy.priority == 34)
        #expect(
            policy.subject
                == .pods(
                    .init(
                        namespaceSelector: .init(matchLabels: ["team": "shop"]), podSelector: .init(matchLabels: ["app": "web"])))
        )
        #expect(
            policy.ingress == [
                .init(
                    name: "allow-monitoring", action: .accept,
                    peers: [.namespaces(.init(matchLabels: ["kubernetes.io/metadata.name": "monitoring"]))],
                    ports: [.range(.udp, 53, 53), .range(.tcp, 8080, 8080), .range(.tcp, 9000, 9100), .named("metrics")]),
                .init(name: "pass-the-rest", action: .pass, peers: [.namespaces(.everything)]),
            ])
        #expect(
            policy.egress == [
                .init(name: "allow-dns-names", action: .accept, peers: [.domainNames(["*.example.com"])]),
                .init(
                    name: "deny-nodes-and-metadata", action: .deny,
                    peers: [.nodes(.everything), .networks([CIDR("169.254.169.254/32")!])], ports: [.range(.sctp, 1, 1)]),
            ])
    }

    @Test func theDefaultProtocolIsWrittenIntoTheBody() throws {
        let body = try decodedDocument(Self.adminPolicy).body
        let ports = try #require(body["spec"]?["ingress"]?.arrayValue?[0]["ports"]?.arrayValue)
        #expect(ports[0]["portNumber"]?["protocol"] == .string("UDP"))
        #expect(ports[1]["portNumber"]?["protocol"] == .string("TCP"))
        #expect(ports[2]["portRange"]?["protocol"] == .string("TCP"))
        #expect(ports[3]["namedPort"] == .string("metrics"))
    }

    @Test func anAdminNetworkPolicyTakesUpTo100Rules() throws {
        let rule = #"{"action":"Deny","to":[{"namespaces":{}}]}"#
        let hundred = Array(repeating: rule, count: 100).joined(separator: ",")
        #expect(try decodedClusterPolicy(anpWithEgress(hundred)).egress.count == 100)
        let found = try refusalCauses(anpWithEgress(hundred + "," + rule))
        #expect(found.map(\.field) == ["spec.egress"])
        #expect(found.first?.reason == "FieldValueTooMany")
    }

    @Test(arguments: [
        (#"{"subject":{"namespaces":{}}}"#, "spec.priority", "FieldValueRequired"),
        (#"{"priority":1001,"subject":{"namespaces":{}}}"#, "spec.priority", "FieldValueInvalid"),
        (#"{"tier":"Admin","priority":1,"subject":{"namespaces":{}}}"#, "spec.tier", "FieldValueUnknown"),
        (
            #"{"priority":1,"subject":{"pods":{"podSelector":{}}}}"#,
            "spec.subject.pods.namespaceSelector", "FieldValueRequired"
        ),
        (#"{"priority":1,"subject":{"namespaces":{},"pods":{}}}"#, "spec.subject", "FieldValueForbidden"),
    ])
    func specProblemsNameTheirField(spec: String, field: String, reason: String) throws {
        let found = try refusalCauses(clusterPolicyJSON(spec, kind: "AdminNetworkPolicy"))
        #expect(found.contains { $0.field == field && $0.reason == reason }, "causes: \(found)")
    }

    @Test(arguments: [
        (#"{"action":"Accept","from":[{"namespaces":{}}]}"#, "spec.ingress[0].action", "FieldValueNotSupported"),
        (#"{"action":"Allow","from":[]}"#, "spec.ingress[0].from", "FieldValueRequired"),
        (#"{"action":"Allow","from":[{"namespaces":{}}],"protocols":[]}"#, "spec.ingress[0].protocols", "FieldValueUnknown"),
        (#"{"action":"Allow","from":[{"namespaces":{}}],"ports":[]}"#, "spec.ingress[0].ports", "FieldValueInvalid"),
        (
            #"{"action":"Allow","from":[{"namespaces":{}}],"ports":[{"portNumber":{"port":80},"namedPort":"http"}]}"#,
            "spec.ingress[0].ports[0]", "FieldValueForbidden"
        ),
        (#"{"action":"Allow","from":[{"namespaces":{}}],"ports":[{}]}"#, "spec.ingress[0].ports[0]", "FieldValueRequired"),
        (
            #"{"action":"Allow","from":[{"namespaces":{}}],"ports":[{"portNumber":{"protocol":"UDP"}}]}"#,
            "spec.ingress[0].ports[0].portNumber.port", "FieldValueRequired"
        ),
        (
            #"{"action":"Allow","from":[{"namespaces":{}}],"ports":[{"portNumber":{"protocol":"ICMP","port":1}}]}"#,
            "spec.ingress[0].ports[0].portNumber.protocol", "FieldValueNotSupported"
        ),
        (
            #"{"action":"Allow","from":[{"namespaces":{}}],"ports":[{"portNumber":{"port":70000}}]}"#,
            "spec.ingress[0].ports[0].portNumber.port", "FieldValueInvalid"
        ),
        (
            #"{"action":"Allow","from":[{"namespaces":{}}],"ports":[{"portRange":{"start":90,"end":80}}]}"#,
            "spec.ingress[0].ports[0].portRange.end", "FieldValueInvalid"
        ),
        (
            #"{"action":"Allow","from":[{"namespaces":{}}],"ports":[{"portRange":{"end":80}}]}"#,
            "spec.ingress[0].ports[0].portRange.start", "FieldValueRequired"
        ),
        (
            #"{"action":"Allow","from":[{"namespaces":{}}],"ports":[{"namedPort":"-http"}]}"#,
            "spec.ingress[0].ports[0].namedPort", "FieldValueInvalid"
        ),
        (
            #"{"action":"Allow","from":[{"domainNames":["example.com"]}]}"#,
            "spec.ingress[0].from[0].domainNames", "FieldValueForbidden"
        ),
    ])
    func ingressRuleProblemsNameTheirField(rule: String, field: String, reason: String) throws {
        let found = try refusalCauses(anpWithIngress(rule))
        #expect(found.contains { $0.field == field && $0.reason == reason }, "causes: \(found)")
    }

    @Test(arguments: [
        (#"{"action":"Deny","to":[{"domainNames":["example.com"]}]}"#, "spec.egress[0].to[0].domainNames", "FieldValueForbidden"),
        (
            #"{"action":"Allow","to":[{"networks":["10.0.0.0/8"]}],"ports":[{"namedPort":"http"}]}"#,
            "spec.egress[0]", "FieldValueInvalid"
        ),
        (#"{"action":"Allow","to":[{"networks":["10.0.0.0/8/8"]}]}"#, "spec.egress[0].to[0].networks[0]", "FieldValueInvalid"),
    ])
    func egressRuleProblemsNameTheirField(rule: String, field: String, reason: String) throws {
        let found = try refusalCauses(anpWithEgress(rule))
        #expect(found.contains { $0.field == field && $0.reason == reason }, "causes: \(found)")
    }

    @Test func aSinglePortRangeIsAccepted() throws {
        let policy = try decodedClusterPolicy(
            anpWithIngress(
                #"{"action":"Allow","from":[{"namespaces":{}}],"ports":[{"portRange":{"protocol":"UDP","start":53,"end":53}}]}"#))
        #expect(policy.ingress.first?.ports == [.range(.udp, 53, 53)])
    }
}

@Suite struct BaselineAdminNetworkPolicyDecoderTests {
    static let baseline = #"""
        {"apiVersion":"policy.networking.k8s.io/v1alpha1","kind":"BaselineAdminNetworkPolicy","metadata":{"name":"default"},
         "spec":{"subject":{"namespaces":{"matchExpressions":[{"key":"kubernetes.io/metadata.name","operator":"NotIn","values":["kube-system"]}]}},
          "ingress":[{"name":"default-deny","action":"Deny","from":[{"namespaces":{}}]}],
          "egress":[{"name":"allow-dns","action":"Allow","to":[{"pods":{"namespaceSelector":{},"podSelector":{"matchLabels":{"k8s-app":"kube-dns"}}}}],
                     "ports":[{"portNumber":{"protocol":"UDP","port":53}}]},
                    {"name":"deny-out","action":"Deny","to":[{"networks":["0.0.0.0/0","::/0"]}]}]},
         "status":{"conditions":[]}}
        """#

    @Test func theBaselinePolicyDecodesAtTheBaselineLevelWithoutAPriority() throws {
        let policy = try decodedClusterPolicy(Self.baseline)
        #expect(policy.kind == .baselineAdminNetworkPolicy && policy.level == .baseline && policy.priority == nil)
        #expect(policy.key == ObjectKey(kind: .baselineAdminNetworkPolicy, namespace: "", name: "default"))
        #expect(
            policy.subject
                == .namespaces(
                    .init(requirements: [.init(key: "kubernetes.io/metadata.name", operator: .notIn, values: ["kube-system"])])))
        #expect(policy.ingress == [.init(name: "default-deny", action: .deny, peers: [.namespaces(.everything)])])
        #expect(policy.egress.map(\.action) == [.accept, .deny])
        #expect(policy.egress[0].ports == [.range(.udp, 53, 53)])
        #expect(policy.egress[1].peers == [.networks([CIDR("0.0.0.0/0")!, CIDR("::/0")!])])
    }

    @Test func aBaselinePolicyNotNamedDefaultIsRefusedNamingTheName() throws {
        let found = try refusalCauses(
            clusterPolicyJSON(#"{"subject":{"namespaces":{}}}"#, kind: "BaselineAdminNetworkPolicy", name: "other"))
        #expect(found.map(\.field) == ["metadata.name"])
        #expect(
            found.first?.message.contains(#"Only one baseline admin network policy with metadata.name="default" can be created"#)
                == true)
    }

    @Test(arguments: [
        (#"{"action":"Pass","to":[{"namespaces":{}}]}"#, "spec.egress[0].action", "FieldValueNotSupported"),
        (#"{"action":"Accept","to":[{"namespaces":{}}]}"#, "spec.egress[0].action", "FieldValueNotSupported"),
        (#"{"action":"Allow","to":[{"domainNames":["example.com"]}]}"#, "spec.egress[0].to[0].domainNames", "FieldValueUnknown"),
        (
            #"{"action":"Allow","to":[{"nodes":{}}],"ports":[{"namedPort":"http"}]}"#,
            "spec.egress[0]", "FieldValueInvalid"
        ),
    ])
    func ruleProblemsNameTheirField(rule: String, field: String, reason: String) throws {
        let found = try refusalCauses(banpWithEgress(rule))
        #expect(found.contains { $0.field == field && $0.reason == reason }, "causes: \(found)")
    }

    @Test func theNamedPortMessageNamesOnlyThePeersABaselinePolicyHas() throws {
        let found = try refusalCauses(banpWithEgress(#"{"action":"Allow","to":[{"nodes":{}}],"ports":[{"namedPort":"http"}]}"#))
        #expect(
            found.first?.message
                == "networks/nodes peer cannot be set with namedPorts since there are no namedPorts for networks/nodes")
    }

    @Test func aBaselinePolicyHasNoPriority() throws {
        let found = try refusalCauses(
            clusterPolicyJSON(#"{"priority":1,"subject":{"namespaces":{}}}"#, kind: "BaselineAdminNetworkPolicy", name: "default")
        )
        #expect(found.map(\.field) == ["spec.priority"])
        #expect(found.first?.reason == "FieldValueUnknown")
    }
}
