import PolicyCore
import Testing

/// Builds a NetworkPolicy document with the given spec (JSON text).
func policyDocument(_ spec: String, name: String = "p", namespace: String = "x") throws -> JSONValue {
    try JSONParser.parse(
        #"{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"\#(name)","namespace":"\#(namespace)"},"spec":\#(spec)}"#
    )
}

func decodePolicy(_ spec: String) throws -> NetworkPolicy {
    let decoded = try ObjectDecoder.decode(try policyDocument(spec))
    guard case .networkPolicy(let policy) = decoded.model else { throw FieldError.invalid("", "not a policy") }
    return policy
}

func causes(_ spec: String) throws -> [FieldError] {
    let document = try policyDocument(spec)
    do {
        _ = try ObjectDecoder.decode(document)
        return []
    } catch {
        return error.causes
    }
}

@Suite struct ObjectDecoderTests {
    @Test func unknownFieldIsNamedWithASuggestion() throws {
        let found = try causes(#"{"podSelector":{},"ingress":[{"from":[{"NamespaceSelector":{"matchLabels":{"name":"x"}}}]}]}"#)
        let unknown = try #require(found.first { $0.reason == "FieldValueUnknown" })
        #expect(unknown.field == "spec.ingress[0].from[0].NamespaceSelector")
        #expect(unknown.message.contains("did you mean namespaceSelector?"))
    }

    @Test(arguments: [
        (#"{"ingress":[{"ports":[{"port":0}]}]}"#, "spec.ingress[0].ports[0].port"),
        (#"{"ingress":[{"ports":[{"port":65536}]}]}"#, "spec.ingress[0].ports[0].port"),
        (#"{"ingress":[{"ports":[{"port":"Bad_Name"}]}]}"#, "spec.ingress[0].ports[0].port"),
        (#"{"ingress":[{"ports":[{"port":80,"protocol":"ICMP"}]}]}"#, "spec.ingress[0].ports[0].protocol"),
        (#"{"ingress":[{"ports":[{"endPort":90}]}]}"#, "spec.ingress[0].ports[0].port"),
        (#"{"ingress":[{"ports":[{"port":"http","endPort":90}]}]}"#, "spec.ingress[0].ports[0].endPort"),
        (#"{"ingress":[{"ports":[{"port":90,"endPort":80}]}]}"#, "spec.ingress[0].ports[0].endPort"),
        (#"{"ingress":[{"from":[{"ipBlock":{"cidr":"10.0.0.0/33"}}]}]}"#, "spec.ingress[0].from[0].ipBlock.cidr"),
        (
            #"{"ingress":[{"from":[{"ipBlock":{"cidr":"10.0.0.0/8","except":["11.0.0.0/16"]}}]}]}"#,
            "spec.ingress[0].from[0].ipBlock.except[0]"
        ),
        (
            #"{"ingress":[{"from":[{"ipBlock":{"cidr":"10.0.0.0/8","except":["10.0.0.0/8"]}}]}]}"#,
            "spec.ingress[0].from[0].ipBlock.except[0]"
        ),
        (#"{"egress":[{"to":[{}]}]}"#, "spec.egress[0].to[0]"),
        (#"{"egress":[{"to":[{"ipBlock":{"cidr":"fd00::/8"},"podSelector":{}}]}]}"#, "spec.egress[0].to[0]"),
        (#"{"podSelector":{"matchLabels":{"bad key!":"x"}}}"#, "spec.podSelector.matchLabels"),
        (#"{"podSelector":{"matchExpressions":[{"key":"a","operator":"In"}]}}"#, "spec.podSelector.matchExpressions[0].values"),
        (
            #"{"podSelector":{"matchExpressions":[{"key":"a","operator":"Exists","values":["x"]}]}}"#,
            "spec.podSelector.matchExpressions[0].values"
        ),
        (
            #"{"podSelector":{"matchExpressions":[{"key":"a","operator":"Gt","values":["1"]}]}}"#,
            "spec.podSelector.matchExpressions[0].operator"
        ),
        (#"{"policyTypes":["Ingress","Ingress"]}"#, "spec.policyTypes[1]"),
        (#"{"policyTypes":["Sideways"]}"#, "spec.policyTypes[0]"),
        (#"{"ingress":"all"}"#, "spec.ingress"),
    ])
    func invalidPoliciesNameTheField(spec: String, field: String) throws {
        let found = try causes(spec)
        #expect(found.contains { $0.field == field }, "causes: \(found)")
    }

    @Test(arguments: [
        #"{"ingress":[{"ports":[{"port":80,"endPort":80}]}]}"#,
        #"{"ingress":[{"ports":[{"port":80,"endPort":90,"protocol":"UDP"}]}]}"#,
        #"{"egress":[{"to":[{"ipBlock":{"cidr":"fd00::/8","except":["fd00:1::/32"]}}]}]}"#,
        #"{"podSelector":null,"ingress":[{}]}"#,
        #"{"ingress":[{"from":[{"namespaceSelector":{},"podSelector":{"matchLabels":{"a":"b"}}}]}]}"#,
    ])
    func validPoliciesDecode(spec: String) throws {
        _ = try decodePolicy(spec)
    }

    @Test func defaultsArePersistedInTheBody() throws {
        let decoded = try ObjectDecoder.decode(try policyDocument(#"{"podSelector":null,"egress":[{"ports":[{"port":53}]}]}"#))
        #expect(decoded.body["spec"]?["policyTypes"] == .array([.string("Ingress"), .string("Egress")]))
        #expect(decoded.body["spec"]?["egress"]?.arrayValue?[0]["ports"]?.arrayValue?[0]["protocol"] == .string("TCP"))
        #expect(decoded.body["spec"]?["podSelector"] == .object([:]))
    }

    @Test(arguments: [
        (#"{}"#, true, false),
        (#"{"egress":[{}]}"#, true, true),
        (#"{"egress":[]}"#, true, false),
        (#"{"policyTypes":["Egress"]}"#, false, true),
        (#"{"ingress":[{}],"policyTypes":["Ingress","Egress"]}"#, true, true),
    ])
    func policyTypesDefaultAsTheAPIServerDoes(spec: String, ingress: Bool, egress: Bool) throws {
        let policy = try decodePolicy(spec)
        #expect(policy.appliesToIngress == ingress)
        #expect(policy.appliesToEgress == egress)
    }

    @Test func namespacesAlwaysCarryTheirNameLabel() throws {
        let decoded = try ObjectDecoder.decode(
            try JSONParser.parse(#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"prod","labels":{"team":"a"}}}"#))
        guard case .namespace(let namespace) = decoded.model else {
            Issue.record("not a namespace")
            return
        }
        #expect(namespace.labels == ["team": "a", "kubernetes.io/metadata.name": "prod"])
        #expect(decoded.body["metadata"]?["labels"]?["kubernetes.io/metadata.name"] == .string("prod"))
    }

    @Test func podsKeepUnmodelledFieldsAndExposeAddressesAndNamedPorts() throws {
        let document = try JSONParser.parse(
            #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","namespace":"x","labels":{"app":"web"}},"spec":{"nodeName":"n1","containers":[{"name":"c","image":"nginx","ports":[{"name":"http","containerPort":8080},{"name":"dns","containerPort":53,"protocol":"UDP"}]}]},"status":{"podIP":"10.0.0.1","podIPs":[{"ip":"10.0.0.1"},{"ip":"fd00::1"}]}}"#
        )
        let decoded = try ObjectDecoder.decode(document)
        #expect(decoded.body["spec"]?["containers"]?.arrayValue?[0]["image"] == .string("nginx"))
        #expect(decoded.body["spec"]?["nodeName"] == .string("n1"))
        guard case .pod(let pod) = decoded.model else {
            Issue.record("not a pod")
            return
        }
        #expect(pod.ips == [IPAddress("10.0.0.1")!, IPAddress("fd00::1")!])
        #expect(pod.ports(named: "http", protocol: .tcp) == [8080])
        #expect(pod.ports(named: "dns", protocol: .udp) == [53])
        #expect(pod.ports(named: "dns", protocol: .tcp) == [])
    }

    @Test(arguments: [
        (#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"},"status":{"podIP":"10.0.0.300"}}"#, "status.podIP"),
        (
            #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"},"spec":{"containers":[{"ports":[{"containerPort":70000}]}]}}"#,
            "spec.containers[0].ports[0].containerPort"
        ),
        (#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"Bad_Name"}}"#, "metadata.name"),
        (#"{"apiVersion":"v1","kind":"Pod","metadata":{}}"#, "metadata.name"),
        (#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","labelz":{}}}"#, "metadata.labelz"),
        (#"{"apiVersion":"v2","kind":"Pod","metadata":{"name":"a"}}"#, "apiVersion"),
        (#"{"apiVersion":"v1","kind":"Gadget","metadata":{"name":"a"}}"#, "kind"),
        (#"{"apiVersion":"projectcalico.org/v3","kind":"NetworkSet","metadata":{"name":"a"}}"#, "kind"),
        (#"{"kind":"Pod","metadata":{"name":"a"}}"#, "apiVersion"),
    ])
    func badObjectsNameTheField(document: String, field: String) throws {
        let value = try JSONParser.parse(document)
        do {
            _ = try ObjectDecoder.decode(value)
            Issue.record("accepted \(document)")
        } catch {
            #expect(error.causes.contains { $0.field == field }, "causes: \(error.causes)")
        }
    }
}
