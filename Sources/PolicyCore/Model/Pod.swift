/// A pod as the evaluator sees it: where it lives, its labels, addresses and named ports.
public struct Pod: Sendable, Hashable {
    /// A named container port.
    public struct NamedPort: Sendable, Hashable {
        public var name: String
        public var port: Int
        public var `protocol`: TransportProtocol

        public init(name: String, port: Int, protocol: TransportProtocol) {
            self.name = name
            self.port = port
            self.protocol = `protocol`
        }
    }

    public var namespace: String
    public var name: String
    public var labels: [String: String]
    public var ips: [IPAddress]
    public var namedPorts: [NamedPort]

    public init(
        namespace: String, name: String, labels: [String: String], ips: [IPAddress] = [], namedPorts: [NamedPort] = []
    ) {
        self.namespace = namespace
        self.name = name
        self.labels = labels
        self.ips = ips
        self.namedPorts = namedPorts
    }

    /// The port numbers a name resolves to for a protocol.
    public func ports(named name: String, protocol: TransportProtocol) -> [Int] {
        namedPorts.filter { $0.name == name && $0.protocol == `protocol` }.map(\.port)
    }
}
