import PolicyCore
import Testing

func tierJSON(_ name: String, spec: String? = nil) -> String {
    #"{"apiVersion":"projectcalico.org/v3","kind":"Tier","metadata":{"name":"\#(name)"}"#
        + (spec.map { #","spec":\#($0)}"# } ?? "}")
}

func decodedTier(_ json: String) throws -> PolicyTier {
    guard case .tier(let tier) = try decodedDocument(json).model else { throw FieldError.invalid("", "not a tier") }
    return tier
}

@Suite struct TierDecoderTests {
    @Test func aTierWithAnOrderDecodesWithTheDenyDefaultAction() throws {
        let decoded = try decodedDocument(tierJSON("security", spec: #"{"order":100}"#))
        #expect(decoded.key == ObjectKey(kind: .tier, namespace: "", name: "security"))
        #expect(decoded.model == .tier(PolicyTier(name: "security", order: 100, defaultAction: .deny)))
        #expect(decoded.body["spec"] == .object(["order": .integer(100), "defaultAction": .string("Deny")]))
    }

    @Test func aTierCanPassAndHaveAFractionalOrder() throws {
        #expect(
            try decodedTier(tierJSON("platform", spec: #"{"order":150.5,"defaultAction":"Pass"}"#))
                == PolicyTier(name: "platform", order: 150.5, defaultAction: .pass))
    }

    @Test func aTierWithoutAnOrderComesLast() throws {
        #expect(try decodedTier(tierJSON("last")) == PolicyTier(name: "last", order: nil, defaultAction: .deny))
        #expect(try decodedTier(tierJSON("last", spec: "{}")).order == nil)
    }

    @Test(arguments: [
        ("default", #"{"order":1000000,"defaultAction":"Deny"}"#),
        ("kube-admin", #"{"order":1000,"defaultAction":"Pass"}"#),
        ("kube-baseline", #"{"order":10000000,"defaultAction":"Pass"}"#),
        ("kube-admin", #"{"order":1000.0}"#),
        ("kube-baseline", "{}"),
        ("default", nil),
    ])
    func theBuiltInTiersAreAcceptedWithTheirFixedSettings(name: String, spec: String?) throws {
        let decoded = try decodedDocument(tierJSON(name, spec: spec))
        let builtIn = try #require(PolicyTier.builtIn[name])
        #expect(decoded.model == .tier(builtIn))
        #expect(decoded.body["spec"]?["defaultAction"] == .string(builtIn.defaultAction.rawValue))
        #expect(decoded.body["spec"]?["order"]?.integerValue == Int64(builtIn.order!))
    }

    @Test func aClusterDumpsBuiltInTierWithItsStatusIsAccepted() throws {
        let json = #"""
            {"apiVersion":"projectcalico.org/v3","kind":"Tier",
             "metadata":{"name":"kube-admin","uid":"1","resourceVersion":"7","creationTimestamp":"2026-03-02T09:14:07Z",
                         "finalizers":["projectcalico.org/tier-controller"]},
             "spec":{"order":1000,"defaultAction":"Pass"},
             "status":{"conditions":[{"type":"Ready","status":"True","reason":"Ready","message":"","lastTransitionTime":"2026-03-02T09:14:07Z"}]}}
            """#
        #expect(try decodedTier(json) == PolicyTier.builtIn["kube-admin"])
    }

    @Test(arguments: [
        ("kube-admin", #"{"order":2000}"#, "spec.order", "2000: the kube-admin tier's order is fixed at 1000"),
        ("default", #"{"order":1}"#, "spec.order", "1: the default tier's order is fixed at 1000000"),
        (
            "kube-baseline", #"{"order":10000000.5}"#, "spec.order",
            "10000000.5: the kube-baseline tier's order is fixed at 10000000"
        ),
        (
            "default", #"{"defaultAction":"Pass"}"#, "spec.defaultAction",
            "\"Pass\": the default tier's default action is fixed at Deny"
        ),
        (
            "kube-admin", #"{"defaultAction":"Deny"}"#, "spec.defaultAction",
            "\"Deny\": the kube-admin tier's default action is fixed at Pass"
        ),
    ])
    func theBuiltInTiersRefuseOtherSettingsNamingTheField(name: String, spec: String, field: String, message: String) throws {
        let found = try refusalCauses(tierJSON(name, spec: spec))
        #expect(found == [.invalid(field, message)])
    }

    @Test(arguments: [
        (tierJSON("security", spec: #"{"defaultAction":"Allow"}"#), "spec.defaultAction", "FieldValueNotSupported"),
        (tierJSON("security", spec: #"{"order":"first"}"#), "spec.order", "FieldValueTypeInvalid"),
        (tierJSON("security", spec: #"{"ordr":1}"#), "spec.ordr", "FieldValueUnknown"),
        (tierJSON("net.security"), "metadata.name", "FieldValueInvalid"),
        (tierJSON("Security"), "metadata.name", "FieldValueInvalid"),
        (tierJSON(String(repeating: "t", count: 64)), "metadata.name", "FieldValueInvalid"),
        (
            #"{"apiVersion":"projectcalico.org/v3","kind":"Tier","metadata":{"name":"t","namespace":"x"}}"#, "metadata.namespace",
            "FieldValueForbidden"
        ),
        (
            #"{"apiVersion":"projectcalico.org/v3","kind":"Tier","metadata":{"name":"t"},"specs":{}}"#, "specs",
            "FieldValueUnknown"
        ),
    ])
    func badTiersNameTheField(json: String, field: String, reason: String) throws {
        let found = try refusalCauses(json)
        #expect(found.contains { $0.field == field && $0.reason == reason }, "causes: \(found)")
    }

    @Test func aDottedTierNameIsReportedOnce() throws {
        #expect(try refusalCauses(tierJSON("net.security")).count == 1)
    }
}

@Suite struct CalicoPolicyTierTests {
    @Test func aGlobalNetworkPolicyNamesItsTier() throws {
        // calico-tier-02: the name carries the tier prefix Calico 3.31 and earlier required.
        let policy = try decodeCalico(#"{"tier":"security","order":10,"selector":"app == 'svc'","ingress":[{"action":"Pass"}]}"#)
        #expect(policy.tier == "security")
    }

    @Test func prefixedAndPlainPolicyNamesAreBothAccepted() throws {
        for name in ["security.pass-from-ops", "pass-from-ops"] {
            let document = try calicoDocument(#"{"tier":"security"}"#, name: name)
            guard case .calicoPolicy(let policy) = try ObjectDecoder.decode(document).model else {
                Issue.record("not Calico")
                continue
            }
            #expect(policy.tier == "security" && policy.name == name)
        }
    }

    @Test func aNamespacedCalicoPolicyNamesItsTierToo() throws {
        #expect(try decodeCalico(#"{"tier":"platform"}"#, namespace: "x").tier == "platform")
    }

    @Test(arguments: [#"{}"#, #"{"tier":""}"#, #"{"tier":"default"}"#])
    func aPolicyThatNamesNoTierIsInTheDefaultTier(spec: String) throws {
        #expect(try decodeCalico(spec).tier == PolicyTier.defaultName)
    }

    @Test func theTierIsNotWrittenIntoTheBodyWhenAbsent() throws {
        #expect(try ObjectDecoder.decode(try calicoDocument("{}")).body["spec"]?["tier"] == nil)
    }

    @Test(arguments: [#"{"tier":"net.security"}"#, #"{"tier":"Security"}"#, #"{"tier":7}"#])
    func aTierThatCannotBeATierNameIsRefusedNamingSpecTier(spec: String) throws {
        #expect(try calicoCauses(spec).map(\.field) == ["spec.tier"])
    }
}
