/// A workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, ReplicationController)
/// as decisions see it: the pods it would create, from its pod template, and who owns it.
public struct Workload: Sendable, Hashable {
    public var kind: ResourceKind
    public var namespace: String
    public var name: String
    /// The pod template's labels.
    public var templateLabels: [String: String]
    /// The pod template's named container ports.
    public var namedPorts: [Pod.NamedPort]
    public var owners: [OwnerReference]

    public init(
        kind: ResourceKind, namespace: String, name: String, templateLabels: [String: String],
        namedPorts: [Pod.NamedPort] = [], owners: [OwnerReference] = []
    ) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.templateLabels = templateLabels
        self.namedPorts = namedPorts
        self.owners = owners
    }

    public var key: ObjectKey { ObjectKey(kind: kind, namespace: namespace, name: name) }

    /// `ns/name[Kind]`, as answers name workloads.
    public var displayName: String { "\(namespace)/\(name)[\(kind.kind)]" }
}
