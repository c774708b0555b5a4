public import PolicyCore

/// One stored object as read back: its identity, body (metadata filled in) and bookkeeping.
public struct StoredRecord: Sendable, Hashable {
    public let key: ObjectKey
    public let uid: String
    public let resourceVersion: Int64
    public let creationTimestamp: String
    /// The whole object, with `metadata.uid`, `resourceVersion` and `creationTimestamp` set.
    public let body: JSONValue

    public init(key: ObjectKey, uid: String, resourceVersion: Int64, creationTimestamp: String, body: JSONValue) {
        self.key = key
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.creationTimestamp = creationTimestamp
        self.body = body
    }
}
