import PolicyCore
import Testing

/// Decodes a document given as JSON text.
func decodedDocument(_ json: String) throws -> DecodedObject {
    try ObjectDecoder.decode(try JSONParser.parse(json))
}

/// The causes a document given as JSON text is refused with; empty when it is accepted.
func refusalCauses(_ json: String) throws -> [FieldError] {
    let document = try JSONParser.parse(json)
    do {
        _ = try ObjectDecoder.decode(document)
        return []
    } catch {
        return error.causes
    }
}

/// A network-policy-api document of `kind` (ClusterNetworkPolicy in v1alpha2, the others in v1alpha1) with this spec.
func clusterPolicyJSON(_ spec: String, kind: String = "ClusterNetworkPolicy", name: String = "p") -> String {
    let version = kind == "ClusterNetworkPolicy" ? "v1alpha2" : "v1alpha1"
    return
        #"{"apiVersion":"policy.networking.k8s.io/\#(version)","kind":"\#(kind)","metadata":{"name":"\#(name)"},"spec":\#(spec)}"#
}

func decodedClusterPolicy(_ json: String) throws -> ClusterNetworkPolicy {
    guard case .clusterPolicy(let policy) = try decodedDocument(json).model else {
        throw FieldError.invalid("", "not a cluster policy")
    }
    return policy
}

/// An admin ClusterNetworkPolicy whose one egress (or ingress) rule is `rule` (JSON text).
func cnpWithEgress(_ rule: String) -> String {
    clusterPolicyJSON(#"{"tier":"Admin","priority":1,"subject":{"namespaces":{}},"egress":[\#(rule)]}"#)
}

func cnpWithIngress(_ rule: String) -> String {
    clusterPolicyJSON(#"{"tier":"Admin","priority":1,"subject":{"namespaces":{}},"ingress":[\#(rule)]}"#)
}

private let ravenclaw = LabelSelector(matchLabels: ["kubernetes.io/metadata.name": "network-policy-conformance-ravenclaw"])
private let slytherin = LabelSelector(matchLabels: ["kubernetes.io/metadata.name": "network-policy-conformance-slytherin"])
private let gryffindor = LabelSelector(matchLabels: ["kubernetes.io/metadata.name": "network-policy-conformance-gryffindor"])
private let hufflepuff = LabelSelector(matchLabels: ["kubernetes.io/metadata.name": "network-policy-conformance-hufflepuff"])

@Suite struct ClusterNetworkPolicyDecoderTests {
    /// The ClusterNetworkPolicy of the upstream conformance test CNPAdminTierEgressUDP.
    static let egressUDP = #"""
        {"apiVersion":"policy.networking.k8s.io/v1alpha2","kind":"ClusterNetworkPolicy","metadata":{"name":"egress-udp"},
         "spec":{"tier":"Admin","priority":7,
          "subject":{"namespaces":{"matchLabels":{"kubernetes.io/metadata.name":"network-policy-conformance-hufflepuff"}}},
          "egress":[
           {"name":"allow-to-ravenclaw-everything","action":"Accept",
            "to":[{"namespaces":{"matchLabels":{"kubernetes.io/metadata.name":"network-policy-conformance-ravenclaw"}}}]},
           {"name":"deny-to-ravenclaw-everything","action":"Deny",
            "to":[{"namespaces":{"matchLabels":{"kubernetes.io/metadata.name":"network-policy-conformance-ravenclaw"}}}]},
           {"name":"pass-to-ravenclaw-everything","action":"Pass",
            "to":[{"namespaces":{"matchLabels":{"kubernetes.io/metadata.name":"network-policy-conformance-ravenclaw"}}}]},
           {"name":"deny-to-slytherin-at-port-5353","action":"Deny",
            "to":[{"namespaces":{"matchLabels":{"kubernetes.io/metadata.name":"network-policy-conformance-slytherin"}}}],
            "protocols":[{"udp":{"destinationPort":{"number":5353}}}]},
           {"name":"allow-to-gryffindor-at-port-53","action":"Accept",
            "to":[{"namespaces":{"matchLabels":{"kubernetes.io/metadata.name":"network-policy-conformance-gryffindor"}}}],
            "protocols":[{"udp":{"destinationPort":{"number":53}}}]},
           {"name":"deny-to-gryffindor-everything-else","action":"Deny",
            "to":[{"namespaces":{"matchLabels":{"kubernetes.io/metadata.name":"network-policy-conformance-gryffindor"}}}]}]}}
        """#

    /// The baseline ClusterNetworkPolicy of CNPBaselineTierEgressNamedPort, with a status as a cluster reports it.
    static let baselineNamedPort = #"""
        {"apiVersion":"policy.networking.k8s.io/v1alpha2","kind":"ClusterNetworkPolicy","metadata":{"name":"default"},
         "spec":{"tier":"Baseline","priority":10,
          "subject":{"namespaces":{"matchLabels":{"kubernetes.io/metadata.name":"network-policy-conformance-hufflepuff"}}},
          "egress":[
           {"name":"allow-to-gryffindor-at-port-53","action":"Accept",
            "to":[{"namespaces":{"matchLabels":{"kubernetes.io/metadata.name":"network-policy-conformance-gryffindor"}}}],
            "protocols":[{"destinationNamedPort":"dns"}]},
           {"name":"deny-to-gryffindor-everything-else","action":"Deny",
            "to":[{"namespaces":{"matchLabels":{"kubernetes.io/metadata.name":"network-policy-conformance-gryffindor"}}}]}]},
         "status":{"conditions":[{"type":"Ready","status":"True","reason":"SetupSucceeded","message":"ok",
          "lastTransitionTime":"2026-03-02T09:14:07Z"}]}}
        """#

    /// The pods subject and peers of CNPAdminTierPriorityField.
    static let priorityField = #"""
        {"apiVersion":"policy.networking.k8s.io/v1alpha2","kind":"ClusterNetworkPolicy","metadata":{"name":"priority-50-example"},
         "spec":{"tier":"Admin","priority":50,
          "subject":{"pods":{"namespaceSelector":{"matchLabels":{"conformance-house":"gryffindor"}},
                             "podSelector":{"matchLabels":{"conformance-house":"gryffindor"}}}},
          "ingress":[{"name":"deny-all-ingress-from-slytherin","action":"Deny",
           "from":[{"pods":{"namespaceSelector":{"matchLabels":{"conformance-house":"slytherin"}},
                            "podSelector":{"matchLabels":{"conformance-house":"slytherin"}}}}]}]}}
        """#

    @Test func theConformanceEgressUDPPolicyDecodesToItsRules() throws {
        let decoded = try decodedDocument(Self.egressUDP)
        #expect(decoded.key == ObjectKey(kind: .clusterNetworkPolicy, namespace: "", name: "egress-udp"))
        guard case .clusterPolicy(let policy) = decoded.model else {
            Issue.record("not a cluster policy")
            return
        }
        #expect(policy.kind == .clusterNetworkPolicy && policy.level == .admin && policy.priority == 7)
        #expect(policy.subject == .namespaces(hufflepuff))
        #expect(policy.ingress.isEmpty)
        #expect(
            policy.egress == [
                .init(name: "allow-to-ravenclaw-everything", action: .accept, peers: [.namespaces(ravenclaw)]),
                .init(name: "deny-to-ravenclaw-everything", action: .deny, peers: [.namespaces(ravenclaw)]),
                .init(name: "pass-to-ravenclaw-everything", action: .pass, peers: [.namespaces(ravenclaw)]),
                .init(
                    name: "deny-to-slytherin-at-port-5353", action: .deny, peers: [.namespaces(slytherin)],
                    ports: [.range(.udp, 5353, 5353)]),
                .init(
                    name: "allow-to-gryffindor-at-port-53", action: .accept, peers: [.namespaces(gryffindor)],
                    ports: [.range(.udp, 53, 53)]),
                .init(name: "deny-to-gryffindor-everything-else", action: .deny, peers: [.namespaces(gryffindor)]),
            ])
    }

    @Test func aBaselinePolicyWithANamedPortAndAStatusDecodesAndKeepsTheStatus() throws {
        let decoded = try decodedDocument(Self.baselineNamedPort)
        let policy = try decodedClusterPolicy(Self.baselineNamedPort)
        #expect(policy.level == .baseline && policy.priority == 10)
        #expect(policy.egress.first?.ports == [.named("dns")])
        #expect(decoded.body["status"]?["conditions"]?.arrayValue?.first?["type"] == .string("Ready"))
    }

    @Test func podsSubjectsAndPeersKeepBothSelectors() throws {
        let policy = try decodedClusterPolicy(Self.priorityField)
        let house = { (name: String) in LabelSelector(matchLabels: ["conformance-house": name]) }
        #expect(policy.subject == .pods(.init(namespaceSelector: house("gryffindor"), podSelector: house("gryffindor"))))
        #expect(
            policy.ingress == [
                .init(
                    name: "deny-all-ingress-from-slytherin", action: .deny,
                    peers: [.pods(.init(namespaceSelector: house("slytherin"), podSelector: house("slytherin")))])
            ])
    }

    @Test func aPodsSelectionWithoutANamespaceSelectorSelectsEveryNamespace() throws {
        let policy = try decodedClusterPolicy(
            clusterPolicyJSON(#"{"tier":"Admin","priority":0,"subject":{"pods":{"podSelector":{"matchLabels":{"app":"db"}}}}}"#))
        #expect(policy.subject == .pods(.init(namespaceSelector: .everything, podSelector: .init(matchLabels: ["app": "db"]))))
    }

    @Test func egressAddressPeersAndPortRangesDecode() throws {
        let policy = try decodedClusterPolicy(
            cnpWithEgress(
                #"""
                {"action":"Accept","to":[{"networks":["10.0.0.0/8","fd00::/8"]},{"nodes":{"matchLabels":{"role":"infra"}}},
                 {"domainNames":["*.example.com","kubernetes.io","kubernetes.io."]}],
                 "protocols":[{"tcp":{"destinationPort":{"range":{"start":8000,"end":8080}}}},{"sctp":{"destinationPort":{"number":9}}}]}
                """#))
        let rule = try #require(policy.egress.first)
        #expect(rule.name == nil)
        #expect(
            rule.peers == [
                .networks([CIDR("10.0.0.0/8")!, CIDR("fd00::/8")!]), .nodes(.init(matchLabels: ["role": "infra"])),
                .domainNames(["*.example.com", "kubernetes.io", "kubernetes.io."]),
            ])
        #expect(rule.ports == [.range(.tcp, 8000, 8080), .range(.sctp, 9, 9)])
        #expect(policy.readsNodes)
    }

    @Test func aClusterNetworkPolicyWithTwoSubjectFieldsIsRefusedNamingSubject() throws {
        let found = try refusalCauses(
            clusterPolicyJSON(#"{"tier":"Admin","priority":1,"subject":{"namespaces":{},"pods":{"podSelector":{}}}}"#))
        #expect(found.map(\.field) == ["spec.subject"])
        #expect(found.first?.reason == "FieldValueForbidden")
        #expect(found.first?.message.contains("exactly one of `namespaces` or `pods`") == true, "\(found)")
    }

    @Test func anEmptySubjectIsRefusedAsRequired() throws {
        let found = try refusalCauses(clusterPolicyJSON(#"{"tier":"Admin","priority":1,"subject":{}}"#))
        #expect(found.map(\.field) == ["spec.subject"])
        #expect(found.first?.reason == "FieldValueRequired")
    }

    @Test(arguments: [
        (#"{"priority":1,"subject":{"namespaces":{}}}"#, "spec.tier", "FieldValueRequired"),
        (#"{"tier":"admin","priority":1,"subject":{"namespaces":{}}}"#, "spec.tier", "FieldValueNotSupported"),
        (#"{"tier":"Admin","subject":{"namespaces":{}}}"#, "spec.priority", "FieldValueRequired"),
        (#"{"tier":"Admin","priority":1001,"subject":{"namespaces":{}}}"#, "spec.priority", "FieldValueInvalid"),
        (#"{"tier":"Admin","priority":-1,"subject":{"namespaces":{}}}"#, "spec.priority", "FieldValueInvalid"),
        (#"{"tier":"Admin","priority":"high","subject":{"namespaces":{}}}"#, "spec.priority", "FieldValueTypeInvalid"),
        (#"{"tier":"Admin","priority":1}"#, "spec.subject", "FieldValueRequired"),
        (#"{"tier":"Admin","priority":1,"subject":{"pods":{}}}"#, "spec.subject.pods.podSelector", "FieldValueRequired"),
        (
            #"{"tier":"Admin","priority":1,"subject":{"namespaces":{"matchLabels":{"bad key!":"x"}}}}"#,
            "spec.subject.namespaces.matchLabels", "FieldValueInvalid"
        ),
        (
            #"{"tier":"Admin","priority":1,"subject":{"namespaces":{"matchExpressions":[{"key":"a","operator":"In"}]}}}"#,
            "spec.subject.namespaces.matchExpressions[0].values", "FieldValueRequired"
        ),
        (#"{"tier":"Admin","priorty":1,"subject":{"namespaces":{}}}"#, "spec.priorty", "FieldValueUnknown"),
    ])
    func specProblemsNameTheirField(spec: String, field: String, reason: String) throws {
        let found = try refusalCauses(clusterPolicyJSON(spec))
        #expect(found.contains { $0.field == field && $0.reason == reason }, "causes: \(found)")
    }

    @Test(arguments: [
        (#"{"from":[{"namespaces":{}}]}"#, "spec.ingress[0].action", "FieldValueRequired"),
        (#"{"action":"Allow","from":[{"namespaces":{}}]}"#, "spec.ingress[0].action", "FieldValueNotSupported"),
        (#"{"action":"Accept"}"#, "spec.ingress[0].from", "FieldValueRequired"),
        (#"{"action":"Accept","from":[]}"#, "spec.ingress[0].from", "FieldValueRequired"),
        (#"{"action":"Accept","from":[{}]}"#, "spec.ingress[0].from[0]", "FieldValueRequired"),
        (#"{"action":"Accept","from":[null]}"#, "spec.ingress[0].from[0]", "FieldValueRequired"),
        (
            #"{"action":"Accept","from":[{"namespaces":{}},{"namespaces":{},"pods":{"podSelector":{}}}]}"#,
            "spec.ingress[0].from[1]", "FieldValueForbidden"
        ),
        (#"{"action":"Accept","from":[{"networks":["10.0.0.0/8"]}]}"#, "spec.ingress[0].from[0].networks", "FieldValueForbidden"),
        (#"{"action":"Accept","from":[{"nodes":{}}]}"#, "spec.ingress[0].from[0].nodes", "FieldValueForbidden"),
        (#"{"action":"Accept","from":[{"podSelector":{}}]}"#, "spec.ingress[0].from[0].podSelector", "FieldValueUnknown"),
        (#"{"action":"Accept","from":[{"namespaces":{}}],"ports":[]}"#, "spec.ingress[0].ports", "FieldValueUnknown"),
        (#"{"action":"Accept","from":[{"namespaces":{}}],"protocols":[]}"#, "spec.ingress[0].protocols", "FieldValueInvalid"),
        (
            #"{"action":"Accept","from":[{"namespaces":{}}],"protocols":[{"tcp":{"destinationPort":{"number":80}},"udp":{"destinationPort":{"number":80}}}]}"#,
            "spec.ingress[0].protocols[0]", "FieldValueForbidden"
        ),
        (
            #"{"action":"Accept","from":[{"namespaces":{}}],"protocols":[{}]}"#, "spec.ingress[0].protocols[0]",
            "FieldValueRequired"
        ),
        (
            #"{"action":"Accept","from":[{"namespaces":{}}],"protocols":[{"tcp":{}}]}"#,
            "spec.ingress[0].protocols[0].tcp.destinationPort", "FieldValueRequired"
        ),
        (
            #"{"action":"Accept","from":[{"namespaces":{}}],"protocols":[{"tcp":{"destinationPort":{}}}]}"#,
            "spec.ingress[0].protocols[0].tcp.destinationPort", "FieldValueRequired"
        ),
        (
            #"{"action":"Accept","from":[{"namespaces":{}}],"protocols":[{"tcp":{"destinationPort":{"number":80,"range":{"start":1,"end":2}}}}]}"#,
            "spec.ingress[0].protocols[0].tcp.destinationPort", "FieldValueForbidden"
        ),
        (
            #"{"action":"Accept","from":[{"namespaces":{}}],"protocols":[{"udp":{"destinationPort":{"number":0}}}]}"#,
            "spec.ingress[0].protocols[0].udp.destinationPort.number", "FieldValueInvalid"
        ),
        (
            #"{"action":"Accept","from":[{"namespaces":{}}],"protocols":[{"udp":{"destinationPort":{"number":65536}}}]}"#,
            "spec.ingress[0].protocols[0].udp.destinationPort.number", "FieldValueInvalid"
        ),
        (
            #"{"action":"Accept","from":[{"namespaces":{}}],"protocols":[{"tcp":{"destinationPort":{"range":{"start":90,"end":80}}}}]}"#,
            "spec.ingress[0].protocols[0].tcp.destinationPort.range", "FieldValueInvalid"
        ),
        (
            #"{"action":"Accept","from":[{"namespaces":{}}],"protocols":[{"tcp":{"destinationPort":{"range":{"start":80,"end":80}}}}]}"#,
            "spec.ingress[0].protocols[0].tcp.destinationPort.range", "FieldValueInvalid"
        ),
        (
            #"{"action":"Accept","from":[{"namespaces":{}}],"protocols":[{"tcp":{"destinationPort":{"range":{"start":0,"end":80}}}}]}"#,
            "spec.ingress[0].protocols[0].tcp.destinationPort.range.start", "FieldValueInvalid"
        ),
        (
            #"{"action":"Accept","from":[{"namespaces":{}}],"protocols":[{"tcp":{"destinationPort":{"range":{"start":80}}}}]}"#,
            "spec.ingress[0].protocols[0].tcp.destinationPort.range.end", "FieldValueRequired"
        ),
        (
            #"{"action":"Accept","from":[{"namespaces":{}}],"protocols":[{"destinationNamedPort":"Bad_Name"}]}"#,
            "spec.ingress[0].protocols[0].destinationNamedPort", "FieldValueInvalid"
        ),
        (
            #"{"action":"Accept","from":[{"namespaces":{}}],"protocols":[{"icmp":{}}]}"#,
            "spec.ingress[0].protocols[0].icmp", "FieldValueUnknown"
        ),
    ])
    func ingressRuleProblemsNameTheirField(rule: String, field: String, reason: String) throws {
        let found = try refusalCauses(cnpWithIngress(rule))
        #expect(found.contains { $0.field == field && $0.reason == reason }, "causes: \(found)")
    }

    @Test(arguments: [
        (#"{"action":"Accept"}"#, "spec.egress[0].to", "FieldValueRequired"),
        (#"{"action":"Accept","to":[{}]}"#, "spec.egress[0].to[0]", "FieldValueRequired"),
        (
            #"{"action":"Accept","to":[{"networks":["10.0.0.0/8"],"nodes":{}}]}"#,
            "spec.egress[0].to[0]", "FieldValueForbidden"
        ),
        (#"{"action":"Accept","to":[{"networks":[]}]}"#, "spec.egress[0].to[0].networks", "FieldValueRequired"),
        (#"{"action":"Accept","to":[{"networks":["10.0.0.0/33"]}]}"#, "spec.egress[0].to[0].networks[0]", "FieldValueInvalid"),
        (#"{"action":"Accept","to":[{"networks":["10.0.0.1"]}]}"#, "spec.egress[0].to[0].networks[0]", "FieldValueInvalid"),
        (
            #"{"action":"Accept","to":[{"networks":["10.0.0.0/8","10.0.0.0/8"]}]}"#,
            "spec.egress[0].to[0].networks[1]", "FieldValueDuplicate"
        ),
        (#"{"action":"Accept","to":[{"networks":[8]}]}"#, "spec.egress[0].to[0].networks[0]", "FieldValueTypeInvalid"),
        (#"{"action":"Accept","to":[{"domainNames":[]}]}"#, "spec.egress[0].to[0].domainNames", "FieldValueRequired"),
        (#"{"action":"Accept","to":[{"domainNames":["example"]}]}"#, "spec.egress[0].to[0].domainNames[0]", "FieldValueInvalid"),
        (
            #"{"action":"Accept","to":[{"domainNames":["*example.com"]}]}"#,
            "spec.egress[0].to[0].domainNames[0]", "FieldValueInvalid"
        ),
        (
            #"{"action":"Accept","to":[{"domainNames":["www.*.example.com"]}]}"#,
            "spec.egress[0].to[0].domainNames[0]", "FieldValueInvalid"
        ),
        (#"{"action":"Accept","to":[{"domainNames":["*.com"]}]}"#, "spec.egress[0].to[0].domainNames[0]", "FieldValueInvalid"),
        (
            #"{"action":"Accept","to":[{"domainNames":["-a.example.com"]}]}"#,
            "spec.egress[0].to[0].domainNames[0]", "FieldValueInvalid"
        ),
        (
            #"{"action":"Accept","to":[{"domainNames":["a-.example.com"]}]}"#,
            "spec.egress[0].to[0].domainNames[0]", "FieldValueInvalid"
        ),
        (#"{"action":"Deny","to":[{"domainNames":["example.com"]}]}"#, "spec.egress[0].to[0].domainNames", "FieldValueForbidden"),
        (#"{"action":"Pass","to":[{"domainNames":["example.com"]}]}"#, "spec.egress[0].to[0].domainNames", "FieldValueForbidden"),
        (
            #"{"action":"Accept","to":[{"namespaces":{}},{"networks":["10.0.0.0/8"]}],"protocols":[{"destinationNamedPort":"http"}]}"#,
            "spec.egress[0]", "FieldValueInvalid"
        ),
        (
            #"{"action":"Deny","to":[{"nodes":{}}],"protocols":[{"destinationNamedPort":"http"}]}"#,
            "spec.egress[0]", "FieldValueInvalid"
        ),
        (
            #"{"action":"Accept","to":[{"domainNames":["example.com"]}],"protocols":[{"destinationNamedPort":"http"}]}"#,
            "spec.egress[0]", "FieldValueInvalid"
        ),
        (#"{"action":"Accept","to":[{"ipBlock":{"cidr":"10.0.0.0/8"}}]}"#, "spec.egress[0].to[0].ipBlock", "FieldValueUnknown"),
    ])
    func egressRuleProblemsNameTheirField(rule: String, field: String, reason: String) throws {
        let found = try refusalCauses(cnpWithEgress(rule))
        #expect(found.contains { $0.field == field && $0.reason == reason }, "causes: \(found)")
    }

    @Test func aNamedPortWithANetworksPeerGivesTheUpstreamMessage() throws {
        let found = try refusalCauses(
            cnpWithEgress(
                #"{"action":"Accept","to":[{"networks":["10.0.0.0/8"]}],"protocols":[{"destinationNamedPort":"http"}]}"#))
        #expect(
            found == [
                .invalid(
                    "spec.egress[0]",
                    "networks/nodes/domainNames peer cannot be set with namedPorts since there are no namedPorts for networks/nodes/domainNames"
                )
            ])
    }

    @Test func aNamedPortWithPodPeersIsAccepted() throws {
        let policy = try decodedClusterPolicy(
            cnpWithEgress(
                #"{"action":"Accept","to":[{"pods":{"podSelector":{}}}],"protocols":[{"destinationNamedPort":"http"}]}"#))
        #expect(policy.egress.first?.ports == [.named("http")])
    }

    @Test func moreThan25RulesPeersOrProtocolsAreTooMany() throws {
        let peers = Array(repeating: #"{"namespaces":{}}"#, count: 26).joined(separator: ",")
        let protocols = (1...26).map { #"{"tcp":{"destinationPort":{"number":\#($0)}}}"# }.joined(separator: ",")
        let rule = #"{"action":"Deny","to":[\#(peers)],"protocols":[\#(protocols)]}"#
        let rules = Array(repeating: rule, count: 26).joined(separator: ",")
        let found = try refusalCauses(
            clusterPolicyJSON(#"{"tier":"Admin","priority":1,"subject":{"namespaces":{}},"egress":[\#(rules)]}"#))
        let tooMany = found.filter { $0.reason == "FieldValueTooMany" }.map(\.field)
        #expect(tooMany.first == "spec.egress")
        #expect(tooMany.contains("spec.egress[25].to") && tooMany.contains("spec.egress[0].protocols"))
        #expect(found.first?.message == "Too many: 26: must have at most 25 items")
    }

    @Test func twentyFiveNetworksAreAcceptedAndTwentySixAreTooMany() throws {
        let networks = (0..<26).map { #""10.\#($0).0.0/16""# }
        let accepted = cnpWithEgress(#"{"action":"Deny","to":[{"networks":[\#(networks.dropLast().joined(separator: ","))]}]}"#)
        #expect(try refusalCauses(accepted).isEmpty)
        let refused = try refusalCauses(
            cnpWithEgress(#"{"action":"Deny","to":[{"networks":[\#(networks.joined(separator: ","))]}]}"#))
        #expect(refused.map(\.field) == ["spec.egress[0].to[0].networks"])
    }

    @Test func aRuleNameOfMoreThan100CharactersIsTooLong() throws {
        let name = String(repeating: "n", count: 101)
        let found = try refusalCauses(cnpWithIngress(#"{"name":"\#(name)","action":"Deny","from":[{"namespaces":{}}]}"#))
        #expect(found.map(\.field) == ["spec.ingress[0].name"])
        #expect(found.first?.reason == "FieldValueTooLong")
        let fits = String(repeating: "n", count: 100)
        #expect(try refusalCauses(cnpWithIngress(#"{"name":"\#(fits)","action":"Deny","from":[{"namespaces":{}}]}"#)).isEmpty)
    }

    @Test func everyProblemOfADocumentIsReportedAtOnce() throws {
        let found = try refusalCauses(
            clusterPolicyJSON(
                #"{"tier":"Middle","priority":5000,"subject":{"namespaces":{},"pods":{"podSelector":{}}},"ingress":[{"action":"Allow","from":[{"nodes":{}}]}],"egress":[{"action":"Deny","to":[{"networks":["10.0.0.0/99"]}]}]}"#
            ))
        #expect(
            found.map(\.field) == [
                "spec.tier", "spec.priority", "spec.subject", "spec.ingress[0].action", "spec.ingress[0].from[0].nodes",
                "spec.egress[0].to[0].networks[0]",
            ])
    }

    @Test func aClusterNetworkPolicyWithoutASpecIsRefusedNamingSpec() throws {
        let found = try refusalCauses(
            #"{"apiVersion":"policy.networking.k8s.io/v1alpha2","kind":"ClusterNetworkPolicy","metadata":{"name":"p"}}"#)
        #expect(found.map(\.field) == ["spec"])
    }

    @Test func aClusterNetworkPolicyIsClusterScoped() throws {
        let found = try refusalCauses(
            #"{"apiVersion":"policy.networking.k8s.io/v1alpha2","kind":"ClusterNetworkPolicy","metadata":{"name":"p","namespace":"x"},"spec":{"tier":"Admin","priority":1,"subject":{"namespaces":{}}}}"#
        )
        #expect(found.map(\.field) == ["metadata.namespace"])
    }

    @Test func anUnknownTopLevelFieldIsRefused() throws {
        let found = try refusalCauses(
            #"{"apiVersion":"policy.networking.k8s.io/v1alpha2","kind":"ClusterNetworkPolicy","metadata":{"name":"p"},"spec":{"tier":"Admin","priority":1,"subject":{"namespaces":{}}},"stauts":{}}"#
        )
        #expect(found.map(\.field) == ["stauts"])
        #expect(found.first?.message.contains("did you mean status?") == true)
    }

    @Test func theV1alpha1SpellingOfTheKindIsPointedToV1alpha2() throws {
        let found = try refusalCauses(
            #"{"apiVersion":"policy.networking.k8s.io/v1alpha1","kind":"ClusterNetworkPolicy","metadata":{"name":"p"},"spec":{}}"#
        )
        #expect(found.map(\.field) == ["apiVersion"])
        #expect(found.first?.message.contains("use policy.networking.k8s.io/v1alpha2") == true)
    }
}
