/// One direction of one connection, seen from the pod whose policies are evaluated.
struct Flow {
    /// The pod whose policies are evaluated, as the connection sees it.
    var subjectView: EndpointView
    var peer: EndpointView
    var isEgress: Bool
    var `protocol`: TransportProtocol

    var source: EndpointView { isEgress ? subjectView : peer }
    var destination: EndpointView { isEgress ? peer : subjectView }

    /// The port numbers `name` resolves to for this connection: named ports resolve on its
    /// destination, for its protocol.
    @inline(__always)
    func destinationPorts(named name: String) -> Pod.NamedPortNumbers {
        Pod.NamedPortNumbers(declared: destination.pod?.namedPorts ?? [], name: name, protocol: `protocol`)
    }
}
