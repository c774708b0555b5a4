import PolicyCore
import Testing

func calicoDocument(_ spec: String, name: String = "c", namespace: String? = nil) throws -> JSONValue {
    let kind = namespace == nil ? "GlobalNetworkPolicy" : "NetworkPolicy"
    let metadata = namespace.map { #"{"name":"\#(name)","namespace":"\#($0)"}"# } ?? #"{"name":"\#(name)"}"#
    return try JSONParser.parse(
        #"{"apiVersion":"projectcalico.org/v3","kind":"\#(kind)","metadata":\#(metadata),"spec":\#(spec)}"#)
}

func calicoCauses(_ spec: String, namespace: String? = nil) throws -> [FieldError] {
    let document = try calicoDocument(spec, namespace: namespace)
    do {
        _ = try ObjectDecoder.decode(document)
        return []
    } catch {
        return error.causes
    }
}

func decodeCalico(_ spec: String, namespace: String? = nil) throws -> CalicoPolicy {
    guard case .calicoPolicy(let policy) = try ObjectDecoder.decode(try calicoDocument(spec, namespace: namespace)).model else {
        throw FieldError.invalid("", "not a Calico policy")
    }
    return policy
}

@Suite struct CalicoPolicyDecoderTests {
    @Test(arguments: [
        (#"{}"#, true, false),
        (#"{"ingress":[{"action":"Allow"}]}"#, true, false),
        (#"{"egress":[{"action":"Allow"}]}"#, false, true),
        (#"{"ingress":[{"action":"Allow"}],"egress":[{"action":"Deny"}]}"#, true, true),
        (#"{"types":["Egress"]}"#, false, true),
        (#"{"types":[]}"#, true, true),
    ])
    func typesDefaultFromTheRulesPresent(spec: String, ingress: Bool, egress: Bool) throws {
        let policy = try decodeCalico(spec)
        #expect(policy.appliesToIngress == ingress)
        #expect(policy.appliesToEgress == egress)
    }

    @Test(arguments: [
        (#"{"ingress":[{"action":"Accept"}]}"#, "spec.ingress[0].action"),
        (#"{"ingress":[{}]}"#, "spec.ingress[0].action"),
        (#"{"ingress":[{"action":"Allow","protocol":"GRE"}]}"#, "spec.ingress[0].protocol"),
        (#"{"ingress":[{"action":"Allow","protocol":256}]}"#, "spec.ingress[0].protocol"),
        (#"{"ingress":[{"action":"Allow","destination":{"ports":[80]}}]}"#, "spec.ingress[0].destination.ports"),
        (
            #"{"ingress":[{"action":"Allow","protocol":"ICMP","destination":{"ports":[80]}}]}"#,
            "spec.ingress[0].destination.ports"
        ),
        (
            #"{"ingress":[{"action":"Allow","protocol":"TCP","destination":{"ports":["90:80"]}}]}"#,
            "spec.ingress[0].destination.ports[0]"
        ),
        (
            #"{"ingress":[{"action":"Allow","protocol":"TCP","destination":{"ports":[0]}}]}"#,
            "spec.ingress[0].destination.ports[0]"
        ),
        (#"{"ingress":[{"action":"Allow","source":{"nets":["10.0.0.1"]}}]}"#, "spec.ingress[0].source.nets[0]"),
        (#"{"ingress":[{"action":"Allow","source":{"nets":["10.0.0.0/8","fd00::/8"]}}]}"#, "spec.ingress[0]"),
        (#"{"ingress":[{"action":"Allow","source":{"selector":"app = 'x'"}}]}"#, "spec.ingress[0].source.selector"),
        (#"{"selector":"has(","ingress":[]}"#, "spec.selector"),
        (#"{"tier":"net.security"}"#, "spec.tier"),
        (#"{"order":"first"}"#, "spec.order"),
        (#"{"types":["ingress"]}"#, "spec.types[0]"),
        (#"{"ingress":[{"action":"Allow","source":{"selectr":"a == 'b'"}}]}"#, "spec.ingress[0].source.selectr"),
    ])
    func invalidCalicoPoliciesNameTheField(spec: String, field: String) throws {
        let found = try calicoCauses(spec)
        #expect(found.contains { $0.field == field }, "causes: \(found)")
    }

    @Test func namespaceSelectorIsOnlyForGlobalPolicies() throws {
        let found = try calicoCauses(#"{"namespaceSelector":"all()"}"#, namespace: "x")
        #expect(found.contains { $0.field == "spec.namespaceSelector" && $0.reason == "FieldValueUnknown" })
    }

    @Test func aSelectorErrorNamesThePosition() throws {
        let found = try calicoCauses(#"{"selector":"app == 'web' &&"}"#)
        #expect(found.first?.message.contains("position 15") == true, "\(found)")
    }

    @Test func namedPortsWithoutProtocolAndRangesAreAccepted() throws {
        let policy = try decodeCalico(
            #"{"ingress":[{"action":"Allow","destination":{"ports":["metrics","dns"]}},{"action":"Allow","protocol":"TCP","destination":{"ports":["1000:2000",8443,"http"]}}]}"#
        )
        #expect(policy.ingress[0].destination.ports == [.named("metrics"), .named("dns")])
        #expect(policy.ingress[1].destination.ports == [.range(1000, 2000), .range(8443, 8443), .named("http")])
    }
}

@Suite struct CalicoV1ConversionTests {
    static let seedDeny = """
        {"apiVersion":"v1","kind":"policy","metadata":{"name":"default-deny-egress"},
         "spec":{"order":500,"egress":[{"action":"deny","destination":{"net":"8.8.8.8"},"source":{}}]}}
        """
    static let seedTrusted = """
        {"apiVersion":"v1","kind":"policy","metadata":{"name":"trusted-namespace"},
         "spec":{"order":400,"egress":[{"action":"allow","destination":{"net":"8.8.8.8"},"source":{"selector":"calico/k8s_ns == 'trusted'"}}]}}
        """

    @Test func v1PoliciesBecomeTheGlobalNetworkPolicyCalicoUpgradeProduces() throws {
        let decoded = try ObjectDecoder.decode(try JSONParser.parse(Self.seedTrusted))
        #expect(decoded.key == ObjectKey(kind: .globalNetworkPolicy, namespace: "", name: "trusted-namespace"))
        #expect(decoded.convertedFrom == "policy (v1)")
        #expect(decoded.body["apiVersion"] == .string("projectcalico.org/v3"))
        let rule = decoded.body["spec"]?["egress"]?.arrayValue?[0]
        #expect(rule?["action"] == .string("Allow"))
        #expect(rule?["destination"]?["nets"] == .array([.string("8.8.8.8/32")]))
        #expect(rule?["source"]?["selector"] == .string("projectcalico.org/namespace == 'trusted'"))
        #expect(decoded.body["spec"]?["types"] == .array([.string("Egress")]))
        guard case .calicoPolicy(let policy) = decoded.model else {
            Issue.record("not Calico")
            return
        }
        #expect(policy.order == 400)
        #expect(policy.appliesToEgress && !policy.appliesToIngress)
    }

    @Test(arguments: [("pass", "Pass"), ("next-tier", "Pass"), ("log", "Log"), ("deny", "Deny"), ("allow", "Allow")])
    func v1ActionsAreCapitalised(v1: String, v3: String) throws {
        let document = try JSONParser.parse(
            #"{"apiVersion":"v1","kind":"policy","metadata":{"name":"p"},"spec":{"ingress":[{"action":"\#(v1)"}]}}"#)
        #expect(try ObjectDecoder.decode(document).body["spec"]?["ingress"]?.arrayValue?[0]["action"] == .string(v3))
    }

    @Test func v1ProtocolsAndTypesAreConverted() throws {
        let document = try JSONParser.parse(
            #"{"apiVersion":"v1","kind":"policy","metadata":{"name":"p"},"spec":{"types":["ingress","egress"],"ingress":[{"action":"allow","protocol":"tcp","notProtocol":"udplite","destination":{"ports":[80,"8000:8080"]}}]}}"#
        )
        let decoded = try ObjectDecoder.decode(document)
        #expect(decoded.body["spec"]?["types"] == .array([.string("Ingress"), .string("Egress")]))
        #expect(decoded.body["spec"]?["ingress"]?.arrayValue?[0]["protocol"] == .string("TCP"))
        #expect(decoded.body["spec"]?["ingress"]?.arrayValue?[0]["notProtocol"] == .string("UDPLite"))
    }

    @Test func badV1DocumentsNameTheirV1Fields() throws {
        let document = try JSONParser.parse(
            #"{"apiVersion":"v1","kind":"policy","metadata":{"name":"p"},"spec":{"egress":[{"action":"drop","destination":{"net":"8.8.8.300"}}]}}"#
        )
        do {
            _ = try ObjectDecoder.decode(document)
            Issue.record("accepted")
        } catch {
            #expect(error.causes.map(\.field).contains("spec.egress[0].action"))
            #expect(error.causes.map(\.field).contains("spec.egress[0].destination.net"))
        }
    }

    @Test func v1NamesOutsideV3RulesAreNormalisedWithAHash() {
        #expect(CalicoV1Converter.v3Name("trusted-namespace") == "trusted-namespace")
        let converted = CalicoV1Converter.v3Name("Team/Allow_All")
        #expect(converted.hasPrefix("team.allow-all-"))
        #expect(converted != CalicoV1Converter.v3Name("team/allow-all"))
    }
}
