/// One side of a connection, as a client names it.
public enum Endpoint: Sendable, Hashable {
    /// A stored pod.
    case pod(namespace: String, name: String)
    /// An address: a stored pod's address means that pod, anything else is external.
    case address(IPAddress)
    /// A pod that is not stored: "what if a pod with these labels existed".
    case workload(namespace: String, labels: [String: String], ip: IPAddress?)
}

/// The question: may `source` open a connection to `destination` on `port`/`protocol`?
public struct DecisionRequest: Sendable, Hashable {
    public var source: Endpoint
    public var destination: Endpoint
    /// The destination port; nil asks about every port of the protocol.
    public var port: Int?
    public var `protocol`: TransportProtocol

    public init(source: Endpoint, destination: Endpoint, port: Int?, protocol: TransportProtocol = .tcp) {
        self.source = source
        self.destination = destination
        self.port = port
        self.protocol = `protocol`
    }
}

/// Why a decision could not be made.
public struct DecisionError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case podNotFound
        case namespaceNotFound
        case invalid
    }

    public var kind: Kind
    /// The request field at fault (`source`, `destination.pod`, `port`).
    public var field: String
    public var message: String

    public init(kind: Kind, field: String, message: String) {
        self.kind = kind
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}
