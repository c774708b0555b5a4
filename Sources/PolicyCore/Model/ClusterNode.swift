/// A Kubernetes Node (called ClusterNode, apart from YAML nodes) as policies see it: its labels, which `nodes` peers select, and its addresses,
/// which such a peer matches.
public struct ClusterNode: Sendable, Hashable {
    public var name: String
    public var labels: [String: String]
    /// The IP addresses of `status.addresses` (host names are not addresses and are left out).
    public var addresses: [IPAddress]

    public init(name: String, labels: [String: String] = [:], addresses: [IPAddress] = []) {
        self.name = name
        self.labels = labels
        self.addresses = addresses
    }

    public var key: ObjectKey { ObjectKey(kind: .node, namespace: "", name: name) }
}
