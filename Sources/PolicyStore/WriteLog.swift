public import PolicyCore

/// What one write transaction did to one object, for change feeds (watch).
public struct ObjectWrite: Sendable {
    public enum Action: Sendable, Equatable {
        case added
        case modified
        case deleted
    }

    /// The object as it was before a modification that changed its labels.
    public struct Previous: Sendable {
        public let labels: [String: String]
        /// Its JSON, with the writing revision as `metadata.resourceVersion` (what a watcher whose
        /// label selector matched only before gets in a `DELETED` event, as Kubernetes sends it).
        public let json: [UInt8]

        public init(labels: [String: String], json: [UInt8]) {
            self.labels = labels
            self.json = json
        }
    }

    public let action: Action
    public let key: ObjectKey
    /// `metadata.labels` after the write (for a delete: as they were).
    public let labels: [String: String]
    /// The object as a `GET` returns it after the write: the very bytes stored. For a delete, the
    /// object as it was, with the deleting revision as `metadata.resourceVersion` (as Kubernetes
    /// reports deletions).
    public let json: [UInt8]
    /// Set only when a modification changed the labels.
    public let previous: Previous?

    public init(action: Action, key: ObjectKey, labels: [String: String], json: [UInt8], previous: Previous?) {
        self.action = action
        self.key = key
        self.labels = labels
        self.json = json
        self.previous = previous
    }
}

/// The writes of one transaction, kept while they are no more than a limit: a transaction that
/// writes more (a large import) records only that it overflowed, so it costs nothing more.
public struct WriteLog: Sendable {
    public private(set) var writes: [ObjectWrite] = []
    /// True when the transaction wrote more objects than the limit; `writes` is then empty.
    public private(set) var overflowed = false
    /// 0: not recording (dry runs, and callers without a change feed).
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Whether the next write is to be recorded.
    var wanted: Bool { limit > 0 && !overflowed }

    mutating func append(_ write: ObjectWrite) {
        guard wanted else { return }
        guard writes.count < limit else {
            overflowed = true
            writes = []
            return
        }
        writes.append(write)
    }

    /// `body` with `metadata.resourceVersion` set to `revision`, as JSON.
    static func json(_ body: JSONValue, resourceVersion revision: Int64) -> [UInt8] {
        var body = body
        var metadata = body["metadata"]?.objectValue ?? [:]
        metadata["resourceVersion"] = .string(String(revision))
        body["metadata"] = .object(metadata)
        return JSONWriter.bytes(body)
    }

    static func labels(_ body: JSONValue) -> [String: String] {
        body["metadata"]?["labels"]?.stringMap ?? [:]
    }
}
