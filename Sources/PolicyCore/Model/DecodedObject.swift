/// A document that passed validation: its identity, the body to store, and the typed view the evaluator uses.
public struct DecodedObject: Sendable, Hashable {
    /// The typed view of the object.
    public enum Model: Sendable, Hashable {
        case namespace(Namespace)
        case pod(Pod)
        case networkPolicy(NetworkPolicy)
        case calicoPolicy(CalicoPolicy)
        case workload(Workload)
        case service(Service)
        case node(ClusterNode)
        case tier(PolicyTier)
        case clusterPolicy(ClusterNetworkPolicy)
        indirect case staged(StagedPolicy)
    }

    public var key: ObjectKey
    /// The whole object after defaulting, metadata included; fields netpold does not model are kept.
    public var body: JSONValue
    public var model: Model
    /// What the document was before conversion (`policy (v1)`), when it was converted.
    public var convertedFrom: String?
    /// The paths of the unknown fields left out of ``body`` (`spec.foo`), when decoding was not strict.
    public var unknownFields: [String] = []

    public init(key: ObjectKey, body: JSONValue, model: Model, convertedFrom: String? = nil) {
        self.key = key
        self.body = body
        self.model = model
        self.convertedFrom = convertedFrom
    }

    /// The body without the fields the server sets (uid, resourceVersion, timestamps), for "unchanged" checks.
    public static func comparableBody(_ body: JSONValue) -> JSONValue {
        var body = body
        if var metadata = body["metadata"]?.objectValue {
            for field in ObjectDecoder.serverSetMetadata { metadata[field] = nil }
            body["metadata"] = .object(metadata)
        }
        return body
    }
}
