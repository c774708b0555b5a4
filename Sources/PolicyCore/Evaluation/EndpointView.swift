/// A resolved endpoint: the pod it is (stored or hypothetical), and the address it uses.
struct EndpointView {
    /// Pod facts, when the endpoint is a pod.
    struct PodFacts {
        var namespace: String
        var labels: [String: String]
        var namespaceLabels: [String: String]
        var ips: [IPAddress]
        var namedPorts: [Pod.NamedPort]
    }

    var pod: PodFacts?
    /// The address the connection uses, when the client named one.
    var address: IPAddress?

    /// Addresses an `ipBlock` is matched against: the named address, else every address of the pod.
    var addresses: [IPAddress] {
        if let address { return [address] }
        return pod?.ips ?? []
    }
}
