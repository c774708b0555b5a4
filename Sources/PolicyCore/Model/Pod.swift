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
    /// `metadata.ownerReferences`: the workload that runs the pod, when it has one.
    public var owners: [OwnerReference]

    public init(
        namespace: String, name: String, labels: [String: String], ips: [IPAddress] = [], namedPorts: [NamedPort] = [],
        owners: [OwnerReference] = []
    ) {
        self.namespace = namespace
        self.name = name
        self.labels = labels
        self.ips = ips
        self.namedPorts = namedPorts
        self.owners = owners
    }

    /// The port numbers a name resolves to for a protocol.
    public func ports(named name: String, protocol: TransportProtocol) -> [Int] {
        Array(NamedPortNumbers(declared: namedPorts, name: name, protocol: `protocol`))
    }

    /// The port numbers a port name resolves to among a pod's declared ports: those it declares
    /// under that name for that protocol, in declaration order. The one reading of a named port,
    /// for rules of both families; a plain iterator, so checking a port allocates nothing.
    struct NamedPortNumbers: Sequence, IteratorProtocol {
        let declared: [NamedPort]
        let name: String
        let `protocol`: TransportProtocol
        private var index = 0

        init(declared: [NamedPort], name: String, protocol: TransportProtocol) {
            self.declared = declared
            self.name = name
            self.protocol = `protocol`
        }

        mutating func next() -> Int? {
            while index < declared.count {
                let candidate = declared[index]
                index += 1
                if candidate.name == name && candidate.protocol == `protocol` { return candidate.port }
            }
            return nil
        }
    }
}
