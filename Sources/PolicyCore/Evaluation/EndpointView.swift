/// A resolved endpoint: the pod it is (stored or hypothetical), and the address it uses.
struct EndpointView {
    /// The pod, when the endpoint is one.
    var pod: PodFacts?
    /// The address the connection uses, when the client named one.
    var address: IPAddress?

    /// Addresses matched against CIDRs: the named address, else every address of the pod.
    var addresses: [IPAddress] {
        if let address { return [address] }
        return pod?.ips ?? []
    }
}
