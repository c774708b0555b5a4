/// An object's `metadata.ownerReferences` entry, as far as decisions use it: which object owns it.
public struct OwnerReference: Sendable, Hashable {
    public var apiVersion: String
    public var kind: String
    public var name: String

    public init(apiVersion: String = "", kind: String, name: String) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
    }

    /// The stored workload this reference names, in the owned object's namespace; nil for an owner
    /// netpold does not store (a Node for a static pod, a custom controller). Matched by kind and
    /// name: the uid of a re-imported object is netpold's, not the cluster's.
    public func key(namespace: String) -> ObjectKey? {
        guard let kind = ResourceKind.allCases.first(where: { $0.isWorkload && $0.kind == self.kind }) else { return nil }
        return ObjectKey(kind: kind, namespace: namespace, name: name)
    }
}
