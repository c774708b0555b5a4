/// A question about every allowed connection in a scope.
public struct ConnectivityQuery: Sendable {
    public enum Grouping: String, Sendable, CaseIterable {
        case pod, workload, namespace
    }

    /// Pods in these namespaces, as sources or destinations; nil: every pod.
    public var namespaces: [String]?
    public var groupBy: Grouping
    /// Only this port (of `protocol`, TCP when absent).
    public var port: Int?
    /// Only this protocol.
    public var `protocol`: TransportProtocol?
    /// Also list address ranges outside the stored pods, as sources and destinations.
    public var externals: Bool

    public init(
        namespaces: [String]? = nil, groupBy: Grouping = .pod, port: Int? = nil, protocol: TransportProtocol? = nil,
        externals: Bool = false
    ) {
        self.namespaces = namespaces
        self.groupBy = groupBy
        self.port = port
        self.protocol = `protocol`
        self.externals = externals
    }
}

extension ConnectivityQuery {
    /// The namespaces in scope (nil: every one), after checking the port and that each named
    /// namespace is known.
    func checkedScope(_ isKnown: (String) -> Bool) throws(DecisionError) -> Set<String>? {
        if let port, !PortNumber.isValid(port) {
            throw DecisionError(kind: .invalid, field: "port", message: PortNumber.outOfRangeMessage(String(port)))
        }
        guard let namespaces else { return nil }
        for name in namespaces where !isKnown(name) {
            throw DecisionError(kind: .namespaceNotFound, field: "namespace", message: "namespaces \"\(name)\" not found")
        }
        return Set(namespaces)
    }
}

/// One listed connection: from and to are `ns/pod`, `ns/name[Kind]`, a namespace, or a CIDR.
public struct ConnectivityEntry: Sendable, Hashable {
    public let from: String
    public let to: String
    public let ports: ProtocolPorts
    /// For namespaces: pod pairs (or pods, towards an address range) with anything allowed, of all.
    public let allowedPairs: Int?
    public let totalPairs: Int?

    public init(from: String, to: String, ports: ProtocolPorts, allowedPairs: Int? = nil, totalPairs: Int? = nil) {
        self.from = from
        self.to = to
        self.ports = ports
        self.allowedPairs = allowedPairs
        self.totalPairs = totalPairs
    }
}
