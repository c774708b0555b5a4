import PolicyCore
import Testing

func stagedJSON(_ kind: String, spec: String, name: String = "p", namespace: String? = "x") -> String {
    let metadata = namespace.map { #"{"name":"\#(name)","namespace":"\#($0)"}"# } ?? #"{"name":"\#(name)"}"#
    return #"{"apiVersion":"projectcalico.org/v3","kind":"\#(kind)","metadata":\#(metadata),"spec":\#(spec)}"#
}

func decodedStaged(_ json: String) throws -> StagedPolicy {
    guard case .staged(let staged) = try decodedDocument(json).model else { throw FieldError.invalid("", "not staged") }
    return staged
}

@Suite struct StagedPolicyDecoderTests {
    @Test func aStagedGlobalNetworkPolicyCarriesTheGlobalPolicyItWouldSet() throws {
        let json = stagedJSON(
            "StagedGlobalNetworkPolicy",
            spec:
                #"{"stagedAction":"Set","tier":"security","order":10,"selector":"app == 'svc'","namespaceSelector":"team == 'a'","ingress":[{"action":"Deny"}]}"#,
            name: "security.lockdown", namespace: nil)
        let staged = try decodedStaged(json)
        #expect(staged.key == ObjectKey(kind: .stagedGlobalNetworkPolicy, namespace: "", name: "security.lockdown"))
        #expect(staged.action == .set)
        #expect(staged.target == ObjectKey(kind: .globalNetworkPolicy, namespace: "", name: "security.lockdown"))
        guard case .calicoPolicy(let policy) = staged.policy else {
            Issue.record("not a Calico policy")
            return
        }
        #expect(policy.namespace == nil && policy.name == "security.lockdown" && policy.key == staged.target)
        #expect(policy.tier == "security" && policy.order == 10 && policy.namespaceSelector != nil)
        #expect(policy.ingress.map(\.action) == [.deny] && policy.appliesToIngress && !policy.appliesToEgress)
    }

    @Test func aStagedNetworkPolicyCarriesTheNamespacedPolicyAndItsDefaults() throws {
        let decoded = try decodedDocument(
            stagedJSON("StagedNetworkPolicy", spec: #"{"selector":"app == 'web'","egress":[{"action":"Allow"}]}"#, name: "web"))
        guard case .staged(let staged) = decoded.model, case .calicoPolicy(let policy) = staged.policy else {
            Issue.record("not a staged Calico policy")
            return
        }
        #expect(staged.action == .set)
        #expect(policy.key == ObjectKey(kind: .calicoNetworkPolicy, namespace: "x", name: "web"))
        #expect(policy.tier == PolicyTier.defaultName && policy.appliesToEgress && !policy.appliesToIngress)
        #expect(decoded.body["spec"]?["stagedAction"] == .string("Set"))
        #expect(decoded.body["spec"]?["types"] == .array([.string("Egress")]))
    }

    @Test func aStagedKubernetesNetworkPolicyCarriesTheNetworkPolicy() throws {
        let decoded = try decodedDocument(
            stagedJSON(
                "StagedKubernetesNetworkPolicy",
                spec:
                    #"{"stagedAction":"Set","podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"api"}}}],"ports":[{"port":5432}]}]}"#,
                name: "db"))
        guard case .staged(let staged) = decoded.model, case .networkPolicy(let policy) = staged.policy else {
            Issue.record("not a staged NetworkPolicy")
            return
        }
        #expect(staged.target == ObjectKey(kind: .networkPolicy, namespace: "x", name: "db"))
        #expect(policy.namespace == "x" && policy.name == "db")
        #expect(policy.podSelector == LabelSelector(matchLabels: ["app": "db"]))
        #expect(policy.ingress.first?.ports == [NetworkPolicy.Port(protocol: .tcp, target: .number(5432, endPort: 5432))])
        #expect(decoded.body["spec"]?["policyTypes"] == .array([.string("Ingress")]))
    }

    @Test(arguments: [
        ("StagedGlobalNetworkPolicy", nil as String?), ("StagedNetworkPolicy", "x"), ("StagedKubernetesNetworkPolicy", "x"),
    ])
    func aDeletionNeedsNothingButItsName(kind: String, namespace: String?) throws {
        let decoded = try decodedDocument(
            stagedJSON(kind, spec: #"{"stagedAction":"Delete"}"#, name: "old", namespace: namespace))
        guard case .staged(let staged) = decoded.model else {
            Issue.record("not staged")
            return
        }
        #expect(staged.action == .delete)
        switch staged.policy {
        case .calicoPolicy(let policy):
            #expect(policy == CalicoPolicy(namespace: namespace, name: "old"))
        case .networkPolicy(let policy):
            #expect(policy == NetworkPolicy(namespace: "x", name: "old"))
        default: Issue.record("not a policy")
        }
        #expect(decoded.body["spec"] == .object(["stagedAction": .string("Delete")]))
    }

    @Test func aCalicoDeletionKeepsItsTierAndDropsItsTypes() throws {
        let decoded = try decodedDocument(
            stagedJSON(
                "StagedGlobalNetworkPolicy", spec: #"{"stagedAction":"Delete","tier":"security","types":["Ingress"]}"#,
                name: "security.old", namespace: nil))
        guard case .staged(let staged) = decoded.model, case .calicoPolicy(let policy) = staged.policy else {
            Issue.record("not a staged Calico policy")
            return
        }
        #expect(policy.tier == "security")
        #expect(decoded.body["spec"] == .object(["stagedAction": .string("Delete"), "tier": .string("security")]))
    }

    @Test func aKubernetesDeletionMayCarryAnEmptyPodSelector() throws {
        let staged = try decodedStaged(
            stagedJSON("StagedKubernetesNetworkPolicy", spec: #"{"stagedAction":"Delete","podSelector":{},"ingress":[]}"#))
        #expect(staged.action == .delete)
    }

    @Test(arguments: [
        ("StagedGlobalNetworkPolicy", #"{"stagedAction":"Delete","selector":"all()"}"#, "spec.selector", "FieldValueForbidden"),
        (
            "StagedNetworkPolicy", #"{"stagedAction":"Delete","ingress":[{"action":"Allow"}]}"#, "spec.ingress",
            "FieldValueForbidden"
        ),
        ("StagedNetworkPolicy", #"{"stagedAction":"Delete","order":0}"#, "spec.order", "FieldValueForbidden"),
        (
            "StagedKubernetesNetworkPolicy", #"{"stagedAction":"Delete","podSelector":{"matchLabels":{"a":"b"}}}"#,
            "spec.podSelector", "FieldValueForbidden"
        ),
        ("StagedNetworkPolicy", #"{"stagedAction":"Delete","selectr":"all()"}"#, "spec.selectr", "FieldValueUnknown"),
        ("StagedNetworkPolicy", #"{"stagedAction":"Delete","tier":"a.b"}"#, "spec.tier", "FieldValueInvalid"),
        ("StagedKubernetesNetworkPolicy", #"{"stagedAction":"Delete","tier":"a"}"#, "spec.tier", "FieldValueUnknown"),
        ("StagedNetworkPolicy", #"{"stagedAction":"Learn"}"#, "spec.stagedAction", "FieldValueNotSupported"),
        ("StagedNetworkPolicy", #"{"stagedAction":"set"}"#, "spec.stagedAction", "FieldValueNotSupported"),
        ("StagedNetworkPolicy", #"{"stagedAction":true}"#, "spec.stagedAction", "FieldValueTypeInvalid"),
        ("StagedNetworkPolicy", #"{"ingress":[{"action":"Accept"}]}"#, "spec.ingress[0].action", "FieldValueNotSupported"),
        ("StagedNetworkPolicy", #"{"namespaceSelector":"all()"}"#, "spec.namespaceSelector", "FieldValueUnknown"),
        ("StagedNetworkPolicy", #"{"tier":"Bad"}"#, "spec.tier", "FieldValueInvalid"),
        ("StagedKubernetesNetworkPolicy", #"{"selector":"all()"}"#, "spec.selector", "FieldValueUnknown"),
        (
            "StagedKubernetesNetworkPolicy", #"{"ingress":[{"ports":[{"port":0}]}]}"#, "spec.ingress[0].ports[0].port",
            "FieldValueInvalid"
        ),
        ("StagedKubernetesNetworkPolicy", #"[]"#, "spec", "FieldValueTypeInvalid"),
    ])
    func badStagedPoliciesNameTheField(kind: String, spec: String, field: String, reason: String) throws {
        let found = try refusalCauses(stagedJSON(kind, spec: spec))
        #expect(found.contains { $0.field == field && $0.reason == reason }, "causes: \(found)")
    }

    @Test func aStagedPolicyHasNoStatus() throws {
        let found = try refusalCauses(
            #"{"apiVersion":"projectcalico.org/v3","kind":"StagedNetworkPolicy","metadata":{"name":"p","namespace":"x"},"spec":{},"status":{}}"#
        )
        #expect(found.map(\.field) == ["status"])
    }

    @Test func aStagedGlobalNetworkPolicyIsClusterScoped() throws {
        let staged = try decodedStaged(stagedJSON("StagedGlobalNetworkPolicy", spec: "{}", namespace: nil))
        #expect(staged.key.namespace.isEmpty)
        guard case .calicoPolicy(let policy) = staged.policy else {
            Issue.record("not Calico")
            return
        }
        #expect(policy.namespace == nil)
    }
}
