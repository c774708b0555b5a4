import PolicyCore
import Testing

@Suite struct DocumentKindsTests {
    @Test(arguments: [
        ("v1", "Node"), ("projectcalico.org/v3", "Tier"), ("policy.networking.k8s.io/v1alpha2", "ClusterNetworkPolicy"),
        ("policy.networking.k8s.io/v1alpha1", "AdminNetworkPolicy"),
        ("policy.networking.k8s.io/v1alpha1", "BaselineAdminNetworkPolicy"),
        ("projectcalico.org/v3", "StagedGlobalNetworkPolicy"), ("projectcalico.org/v3", "StagedNetworkPolicy"),
        ("projectcalico.org/v3", "StagedKubernetesNetworkPolicy"),
    ])
    func theKindsOfTiersAndNodesAreReadNotSkipped(apiVersion: String, kind: String) {
        #expect(DocumentKinds.skip(apiVersion: apiVersion, kind: kind) == nil)
        #expect(ResourceKind(apiVersion: apiVersion, kind: kind) != nil)
    }

    @Test(arguments: ["NetworkSet", "GlobalNetworkSet", "HostEndpoint", "Profile"])
    func calicoKindsNotReadYetAreStillRefusedSayingSo(kind: String) throws {
        #expect(DocumentKinds.skip(apiVersion: "projectcalico.org/v3", kind: kind) == nil)
        let found = try refusalCauses(
            #"{"apiVersion":"projectcalico.org/v3","kind":"\#(kind)","metadata":{"name":"a","namespace":"x"},"spec":{}}"#)
        #expect(found.map(\.field) == ["kind"])
        #expect(found.first?.message.contains("can change decisions and netpold does not read it yet") == true, "\(found)")
    }

    @Test(arguments: ["Tier", "StagedNetworkPolicy"])
    func theCRDSpellingOfACalicoKindIsPointedToV3(kind: String) throws {
        let found = try refusalCauses(
            #"{"apiVersion":"crd.projectcalico.org/v1","kind":"\#(kind)","metadata":{"name":"a","namespace":"x"},"spec":{}}"#)
        #expect(found.map(\.field) == ["apiVersion"])
        #expect(found.first?.message.contains("use projectcalico.org/v3") == true, "\(found)")
    }

    @Test func noSkipReasonIsLeftButNoEffectOnDecisions() {
        #expect(DocumentKinds.SkipReason.allCases == [.noEffectOnDecisions])
    }
}
