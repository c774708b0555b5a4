import PolicyCore

/// How strategic merge patch (and netpold's server-side apply) merges the lists of one kind: the
/// `patchStrategy:"merge"` / `patchMergeKey` tags of the Go types in k8s.io/api (core/v1, apps/v1,
/// batch/v1, networking/v1) and k8s.io/apimachinery (ObjectMeta), for the fields that carry them.
/// Every other field is as the tags leave it: objects merge member by member, lists are replaced
/// whole (NetworkPolicy's ingress, egress, ports and peers have no merge key: they are atomic).
struct PatchSchema: Sendable {
    enum Lists: Sendable, Equatable {
        /// Replaced whole by a patch.
        case atomic
        /// Merged: elements that are objects by `key`, scalars as a set (no key).
        case merge(key: String?)
    }

    /// The schema of the members that carry tags, or contain something that does.
    var fields: [String: PatchSchema] = [:]
    /// For a list field: how it merges. The element schema is this node's `fields`.
    var lists: Lists = .atomic

    /// The member's schema (an untagged member: merged as an object, replaced as a list).
    subscript(field: String) -> PatchSchema { fields[field] ?? PatchSchema() }

    var mergeKey: String? {
        if case .merge(let key) = lists { return key }
        return nil
    }

    var mergesList: Bool { lists != .atomic }

    static func list(_ key: String?, _ fields: [String: PatchSchema] = [:]) -> PatchSchema {
        PatchSchema(fields: fields, lists: .merge(key: key))
    }

    static func object(_ fields: [String: PatchSchema]) -> PatchSchema { PatchSchema(fields: fields) }

    // MARK: The types

    /// metav1.ObjectMeta.
    static let objectMeta = object(["ownerReferences": list("uid"), "finalizers": list(nil)])

    /// core/v1 Container (and EphemeralContainer).
    static let container = list(
        "name",
        [
            "ports": list("containerPort"), "env": list("name"), "volumeMounts": list("mountPath"),
            "volumeDevices": list("devicePath"),
        ])

    /// core/v1 PodSpec.
    static let podSpec = object([
        "volumes": list("name"), "initContainers": container, "containers": container, "ephemeralContainers": container,
        "imagePullSecrets": list("name"), "hostAliases": list("ip"), "topologySpreadConstraints": list("topologyKey"),
        "schedulingGates": list("name"), "resourceClaims": list("name"),
    ])

    /// core/v1 PodStatus.
    static let podStatus = object([
        "conditions": list("type"), "podIPs": list("ip"), "hostIPs": list("ip"), "resourceClaimStatuses": list("name"),
    ])

    /// core/v1 PodTemplateSpec.
    static let podTemplate = object(["metadata": objectMeta, "spec": podSpec])

    /// A status whose only tagged list is `conditions`, merged by `type`.
    static let conditionsStatus = object(["conditions": list("type")])

    /// A workload: `spec.template` is a pod template.
    static let workload = object([
        "metadata": objectMeta, "spec": object(["template": podTemplate]), "status": conditionsStatus,
    ])

    /// The schema of a kind, or nil for the kinds served as custom resources upstream (Calico's
    /// `projectcalico.org` and the network-policy API's `policy.networking.k8s.io`), which have no
    /// Go types to read tags from: the Kubernetes API server refuses strategic merge patches of them.
    static func of(_ kind: ResourceKind) -> PatchSchema? {
        switch kind {
        case .pod: object(["metadata": objectMeta, "spec": podSpec, "status": podStatus])
        case .deployment, .statefulSet, .daemonSet, .replicaSet, .replicationController, .job: workload
        case .cronJob:
            object([
                "metadata": objectMeta,
                "spec": object(["jobTemplate": object(["metadata": objectMeta, "spec": object(["template": podTemplate])])]),
            ])
        case .service:
            object(["metadata": objectMeta, "spec": object(["ports": list("port")]), "status": conditionsStatus])
        case .namespace: object(["metadata": objectMeta, "status": conditionsStatus])
        case .node:
            object([
                "metadata": objectMeta, "spec": object(["podCIDRs": list(nil)]),
                "status": object(["conditions": list("type"), "addresses": list("type")]),
            ])
        case .networkPolicy: object(["metadata": objectMeta])
        case .globalNetworkPolicy, .calicoNetworkPolicy, .tier, .stagedGlobalNetworkPolicy, .stagedNetworkPolicy,
            .stagedKubernetesNetworkPolicy, .clusterNetworkPolicy, .adminNetworkPolicy, .baselineAdminNetworkPolicy:
            nil
        }
    }
}
