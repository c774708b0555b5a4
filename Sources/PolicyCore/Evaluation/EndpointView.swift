/// A resolved endpoint: the pod it is (stored or hypothetical), and the address it uses.
struct EndpointView {
    /// Pod facts, when the endpoint is a pod. A class: decisions pass it around by one reference.
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

    var pod: PodFacts?
    /// The address the connection uses, when the client named one.
    var address: IPAddress?

    /// Addresses matched against CIDRs: the named address, else every address of the pod.
    var addresses: [IPAddress] {
        if let address { return [address] }
        return pod?.ips ?? []
    }
}

/// One direction of one connection, seen from the pod whose policies are evaluated.
struct Flow {
    var subject: EndpointView.PodFacts
    var subjectView: EndpointView
    var peer: EndpointView
    var isEgress: Bool
    var `protocol`: TransportProtocol

    var source: EndpointView { isEgress ? subjectView : peer }
    var destination: EndpointView { isEgress ? peer : subjectView }
    /// Named ports resolve on the connection's destination.
    var destinationPorts: [Pod.NamedPort] { destination.pod?.namedPorts ?? [] }
}
