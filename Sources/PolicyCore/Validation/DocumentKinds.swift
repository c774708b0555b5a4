/// Which documents of a bundle netpold reads and which it skips, by `apiVersion` and `kind`.
///
/// A cluster dump or a manifest directory holds far more than network policy: ConfigMaps, Secrets,
/// RBAC, custom resources. Those are skipped, and reported, because they cannot change a decision.
/// A kind that could change one is never skipped: in the groups netpold checks (the core group,
/// `apps`, `batch`, `extensions`, and the network-policy groups of Kubernetes and Calico) a kind
/// that is neither stored nor listed here goes to ``ObjectDecoder``, which refuses it, so a typo
/// (`Namepsace`) or a kind netpold does not read yet (a Calico `NetworkSet`) fails the bundle
/// rather than silently changing the answers.
public enum DocumentKinds {
    /// Why a document was skipped.
    public enum SkipReason: String, Sendable, Hashable, CaseIterable {
        /// The kind cannot change a decision (configuration, credentials, RBAC, storage, custom resources).
        case noEffectOnDecisions = "NoEffectOnDecisions"
    }

    /// A skipped document's reason, and the reason in words.
    public struct Skip: Sendable, Hashable {
        public var reason: SkipReason
        public var message: String
    }

    /// The API group of an `apiVersion`: `""` for the core group (`v1`), `apps` for `apps/v1`.
    public static func group(of apiVersion: String) -> String {
        guard let slash = apiVersion.firstIndex(of: "/") else { return "" }
        return String(apiVersion[..<slash])
    }

    /// Groups whose unlisted kinds are refused rather than skipped.
    static let checkedGroups: Set<String> = [
        "", "apps", "batch", "extensions", "networking.k8s.io", "policy.networking.k8s.io", "projectcalico.org",
        "crd.projectcalico.org",
    ]

    /// Kinds of the checked groups that cannot change a decision.
    static let noEffect: [String: Set<String>] = [
        "": [
            "ConfigMap", "Secret", "ServiceAccount", "Endpoints", "Event", "LimitRange", "ResourceQuota", "PersistentVolume",
            "PersistentVolumeClaim", "PodTemplate", "ComponentStatus", "Binding",
        ],
        "apps": ["ControllerRevision"],
        "networking.k8s.io": ["Ingress", "IngressClass", "IPAddress", "ServiceCIDR"],
        "projectcalico.org": calicoInfrastructure,
        "crd.projectcalico.org": calicoInfrastructure,
    ]

    /// Calico's address management, routing and status kinds.
    static let calicoInfrastructure: Set<String> = [
        "IPPool", "IPReservation", "IPAMConfiguration", "IPAMConfig", "IPAMBlock", "IPAMHandle", "BlockAffinity",
        "BGPConfiguration", "BGPPeer", "BGPFilter", "ClusterInformation", "KubeControllersConfiguration", "CalicoNodeStatus",
    ]

    /// Kinds of the checked groups that change decisions and that netpold does not read yet: refused
    /// with a message that says so.
    static let notReadYet: [String: Set<String>] = [
        "projectcalico.org": calicoPolicyKinds,
        "crd.projectcalico.org": calicoPolicyKinds,
    ]

    /// Calico's address sets, host endpoints and profiles, which policies select and match.
    static let calicoPolicyKinds: Set<String> = ["NetworkSet", "GlobalNetworkSet", "HostEndpoint", "Profile"]

    /// Why a document of this kind is skipped, or nil when it is read (stored, converted or refused).
    public static func skip(apiVersion: String, kind: String) -> Skip? {
        if ResourceKind(apiVersion: apiVersion, kind: kind) != nil { return nil }
        let group = group(of: apiVersion)
        if kind == "Secret", group.isEmpty {
            return Skip(reason: .noEffectOnDecisions, message: "Secrets do not affect network policy; netpold never stores them")
        }
        if noEffect[group]?.contains(kind) == true {
            return Skip(reason: .noEffectOnDecisions, message: "\(kind) does not affect network policy")
        }
        if checkedGroups.contains(group) { return nil }
        if !group.contains(".") || group.hasSuffix(".k8s.io") {
            // A built-in group (rbac.authorization.k8s.io, storage.k8s.io, autoscaling, policy, ...).
            return Skip(reason: .noEffectOnDecisions, message: "\(kind) (\(apiVersion)) does not affect network policy")
        }
        return Skip(
            reason: .noEffectOnDecisions,
            message:
                "a custom resource of \(group), which netpold does not read: it does not affect Kubernetes or Calico network policy"
        )
    }

    /// True for a skipped kind whose name says it is some other product's network policy
    /// (`CiliumNetworkPolicy`): answers do not take it into account, which deserves a warning.
    public static func looksLikeNetworkPolicy(kind: String) -> Bool {
        kind.contains("NetworkPolicy")
    }

    /// Why a kind of a checked group is refused, when it is one that changes decisions.
    static func notReadYetMessage(apiVersion: String, kind: String) -> String? {
        guard notReadYet[group(of: apiVersion)]?.contains(kind) == true else { return nil }
        return "\(kind) (\(apiVersion)) can change decisions and netpold does not read it yet, so the bundle is refused "
            + "rather than answered wrongly"
    }
}
