/// What selectors and rules see of one pod, stored or hypothetical: its namespace and labels, its
/// namespace's labels, the labels Calico derives from both, its addresses and named ports.
///
/// A class: decisions pass it around by one reference, and a compiled pod shares it with its views.
final class PodFacts: Sendable {
    let namespace: String
    let labels: [String: String]
    let namespaceLabels: [String: String]
    /// The labels Calico selectors see: inherited `pcns.*`, then the pod's own, then Calico's own keys.
    let calicoLabels: [String: String]
    let ips: [IPAddress]
    let namedPorts: [Pod.NamedPort]

    /// - Parameter inherited: ``inheritedLabels(namespace:namespaceLabels:)`` when the caller has it
    ///   already (one per namespace, not one per pod, when compiling).
    init(
        namespace: String, labels: [String: String], namespaceLabels: [String: String], ips: [IPAddress],
        namedPorts: [Pod.NamedPort], inherited: [String: String]? = nil
    ) {
        self.namespace = namespace
        self.labels = labels
        self.namespaceLabels = namespaceLabels
        self.ips = ips
        self.namedPorts = namedPorts
        var result = inherited ?? PodFacts.inheritedLabels(namespace: namespace, namespaceLabels: namespaceLabels)
        for (key, value) in labels { result[key] = value }
        result["projectcalico.org/namespace"] = namespace
        result["projectcalico.org/orchestrator"] = "k8s"
        self.calicoLabels = result
    }

    /// The labels a pod inherits from its namespace's Calico profile: `pcns.<key>` and `pcns.projectcalico.org/name`.
    static func inheritedLabels(namespace: String, namespaceLabels: [String: String]) -> [String: String] {
        var result: [String: String] = ["pcns.projectcalico.org/name": namespace]
        for (key, value) in namespaceLabels { result["pcns." + key] = value }
        return result
    }
}
