/// A Service as decisions see it: the pods its selector picks and how its ports map to theirs.
public struct Service: Sendable, Hashable {
    /// A Service's `targetPort`: a number, or a container port name resolved per pod.
    public enum TargetPort: Sendable, Hashable {
        case number(Int)
        case name(String)
    }

    public struct Port: Sendable, Hashable {
        public var name: String?
        public var port: Int
        public var `protocol`: TransportProtocol
        public var targetPort: TargetPort

        public init(name: String? = nil, port: Int, protocol: TransportProtocol = .tcp, targetPort: TargetPort? = nil) {
            self.name = name
            self.port = port
            self.protocol = `protocol`
            self.targetPort = targetPort ?? .number(port)
        }
    }

    public var namespace: String
    public var name: String
    /// nil when the Service has no selector (its endpoints are managed by hand).
    public var selector: [String: String]?
    public var type: String
    public var ports: [Port]

    public init(namespace: String, name: String, selector: [String: String]?, type: String = "ClusterIP", ports: [Port]) {
        self.namespace = namespace
        self.name = name
        self.selector = selector
        self.type = type
        self.ports = ports
    }

    public var key: ObjectKey { ObjectKey(kind: .service, namespace: namespace, name: name) }
}
