/// One side of a connection, as a client names it.
public enum Endpoint: Sendable, Hashable {
    /// A stored pod.
    case pod(namespace: String, name: String)
    /// An address: a stored pod's address means that pod, anything else is external.
    case address(IPAddress)
    /// A pod that is not stored: "what if a pod with these labels existed".
    case workload(namespace: String, labels: [String: String], ip: IPAddress?)
}

/// One side of a question: an endpoint, or a stored workload or Service, which stands for several pods.
public enum DecisionSide: Sendable, Hashable {
    case endpoint(Endpoint)
    /// A stored workload (`Deployment/api`) or, as a destination, a Service.
    case object(ObjectKey)

    /// The endpoint a request carries for this side: for an object, a stand-in in its namespace
    /// that ``DecisionRequest/sourceObject`` and ``DecisionRequest/destinationObject`` override.
    var endpoint: Endpoint {
        switch self {
        case .endpoint(let endpoint): endpoint
        case .object(let key): .workload(namespace: key.namespace, labels: [:], ip: nil)
        }
    }

    var object: ObjectKey? {
        if case .object(let key) = self { return key }
        return nil
    }
}

/// The question: may `source` open a connection to `destination` on `port`/`protocol`?
///
/// A side that names a stored workload or Service is in `sourceObject` / `destinationObject`
/// (``Endpoint`` keeps its three cases, which other code switches over).
public struct DecisionRequest: Sendable, Hashable {
    public var source: Endpoint
    public var destination: Endpoint
    /// The stored workload the source is, when it is one (then `source` is not used).
    public var sourceObject: ObjectKey?
    /// The stored workload or Service the destination is, when it is one (then `destination` is not used).
    public var destinationObject: ObjectKey?
    /// The destination port; nil asks about every port of the protocol.
    public var port: Int?
    public var `protocol`: TransportProtocol

    public init(source: Endpoint, destination: Endpoint, port: Int?, protocol: TransportProtocol = .tcp) {
        self.source = source
        self.destination = destination
        self.port = port
        self.protocol = `protocol`
    }

    public init(source: DecisionSide, destination: DecisionSide, port: Int?, protocol: TransportProtocol = .tcp) {
        self.init(source: source.endpoint, destination: destination.endpoint, port: port, protocol: `protocol`)
        sourceObject = source.object
        destinationObject = destination.object
    }

    public var sourceSide: DecisionSide { sourceObject.map { .object($0) } ?? .endpoint(source) }
    public var destinationSide: DecisionSide { destinationObject.map { .object($0) } ?? .endpoint(destination) }
}

/// Why a decision could not be made.
public struct DecisionError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case podNotFound
        case namespaceNotFound
        /// A workload or Service that is not stored.
        case objectNotFound
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
