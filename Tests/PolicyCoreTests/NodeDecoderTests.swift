import PolicyCore
import Testing

func decodedNode(_ json: String) throws -> ClusterNode {
    guard case .node(let node) = try decodedDocument(json).model else { throw FieldError.invalid("", "not a node") }
    return node
}

@Suite struct NodeDecoderTests {
    /// A Node as `kubectl get nodes -o json` prints it (abridged).
    static let dumped = #"""
        {"apiVersion":"v1","kind":"Node",
         "metadata":{"name":"node-a","uid":"488a9eb3","resourceVersion":"43072","creationTimestamp":"2026-03-02T09:14:07Z",
          "labels":{"kubernetes.io/hostname":"node-a","kubernetes.io/os":"linux","topology.kubernetes.io/zone":"zone-a"},
          "annotations":{"node.alpha.kubernetes.io/ttl":"0","projectcalico.org/IPv4Address":"10.240.0.4/24"}},
         "spec":{"podCIDR":"192.168.0.0/24","podCIDRs":["192.168.0.0/24"],"providerID":"kind://docker/kind/node-a",
          "taints":[{"effect":"NoSchedule","key":"node-role.kubernetes.io/control-plane"}]},
         "status":{"addresses":[{"address":"10.240.0.4","type":"InternalIP"},{"address":"node-a","type":"Hostname"},
                                {"address":"203.0.113.7","type":"ExternalIP"},{"address":"fd00::4","type":"InternalIP"},
                                {"address":"node-a.example.com","type":"InternalDNS"},{"address":"10.240.0.4","type":"InternalIP"}],
          "capacity":{"cpu":"2","memory":"8Gi","pods":"110"},"allocatable":{"cpu":"2"},
          "conditions":[{"type":"Ready","status":"True","reason":"KubeletReady"}],
          "daemonEndpoints":{"kubeletEndpoint":{"Port":10250}},
          "images":[{"names":["registry.k8s.io/pause:3.10"],"sizeBytes":320368}],
          "nodeInfo":{"kubeletVersion":"v1.31.2","containerRuntimeVersion":"containerd://1.7.22"}}}
        """#

    @Test func aDumpedNodeKeepsItsLabelsAndIPAddresses() throws {
        let decoded = try decodedDocument(Self.dumped)
        #expect(decoded.key == ObjectKey(kind: .node, namespace: "", name: "node-a"))
        #expect(
            decoded.model
                == .node(
                    ClusterNode(
                        name: "node-a",
                        labels: [
                            "kubernetes.io/hostname": "node-a", "kubernetes.io/os": "linux",
                            "topology.kubernetes.io/zone": "zone-a",
                        ],
                        addresses: [IPAddress("10.240.0.4")!, IPAddress("203.0.113.7")!, IPAddress("fd00::4")!])))
        #expect(decoded.body["status"]?["nodeInfo"]?["kubeletVersion"] == .string("v1.31.2"))
        #expect(decoded.body["spec"]?["podCIDR"] == .string("192.168.0.0/24"))
    }

    @Test func aNodeWithoutStatusHasNoAddresses() throws {
        #expect(try decodedNode(#"{"apiVersion":"v1","kind":"Node","metadata":{"name":"n1"}}"#) == ClusterNode(name: "n1"))
    }

    @Test(arguments: [
        (#"{"type":"InternalIP","address":"10.0.0.300"}"#, "status.addresses[0].address", "FieldValueInvalid"),
        (#"{"type":"ExternalIP","address":"node-a"}"#, "status.addresses[0].address", "FieldValueInvalid"),
        (#"{"type":"InternalIP"}"#, "status.addresses[0].address", "FieldValueRequired"),
        (#"{"type":"InternalIP","address":7}"#, "status.addresses[0].address", "FieldValueTypeInvalid"),
    ])
    func anIPAddressEntryThatIsNotAnAddressIsRefusedNamingIt(entry: String, field: String, reason: String) throws {
        let found = try refusalCauses(
            #"{"apiVersion":"v1","kind":"Node","metadata":{"name":"n1"},"status":{"addresses":[\#(entry)]}}"#)
        #expect(found.map(\.field) == [field])
        #expect(found.first?.reason == reason)
    }

    @Test func aHostnameEntryIsNotAnAddress() throws {
        let node = try decodedNode(
            #"{"apiVersion":"v1","kind":"Node","metadata":{"name":"n1"},"status":{"addresses":[{"type":"Hostname","address":"n1"}]}}"#
        )
        #expect(node.addresses.isEmpty)
    }

    @Test(arguments: [
        (#"{"apiVersion":"v1","kind":"Node","metadata":{"name":"n1"},"stat":{}}"#, "stat"),
        (#"{"apiVersion":"v1","kind":"Node","metadata":{"name":"n1","namespace":"x"}}"#, "metadata.namespace"),
        (#"{"apiVersion":"v1","kind":"Node","metadata":{"name":"N1"}}"#, "metadata.name"),
        (#"{"apiVersion":"v1","kind":"Node","metadata":{"name":"n1","labels":{"bad key!":"x"}}}"#, "metadata.labels"),
    ])
    func badNodesNameTheField(json: String, field: String) throws {
        #expect(try refusalCauses(json).map(\.field) == [field])
    }
}
