public import PolicyCore

/// The operations of one write transaction; valid only inside ``PolicyRepository/write(dryRun:_:)``.
///
/// Non-copyable because it holds the connection while the repository's lock is held: `write` lends
/// it to the closure `inout`, and a non-copyable value cannot be stored, captured or returned from
/// there, so no SQL can run through it after `write` returns and releases the lock.
public struct WriteTransaction: ~Copyable {
    private var connection: SQLiteConnection
    /// The revision this transaction writes.
    public let revision: Int64
    public private(set) var hasWritten = false

    init(connection: consuming SQLiteConnection, revision: Int64) {
        self.connection = connection
        self.revision = revision
    }

    /// Gives the connection back to ``PolicyRepository/write(dryRun:_:)``.
    consuming func end() -> SQLiteConnection { connection }

    /// The object as stored before this transaction's changes to it.
    public func get(_ key: ObjectKey) throws -> StoredRecord? {
        try PolicyRepository.read(connection, key)
    }

    /// Keys of every object in a namespace (any kind).
    public func keys(inNamespace namespace: String) throws -> [ObjectKey] {
        var keys: [ObjectKey] = []
        try connection.query("SELECT kind, name FROM objects WHERE namespace = ?", [.text(namespace)]) { row in
            if let kind = ResourceKind(storageName: row.text(0)) {
                keys.append(ObjectKey(kind: kind, namespace: namespace, name: row.text(1)))
            }
        }
        return keys
    }

    /// Every key in the store.
    public func allKeys() throws -> [ObjectKey] {
        var keys: [ObjectKey] = []
        try connection.query("SELECT kind, namespace, name FROM objects") { row in
            if let kind = ResourceKind(storageName: row.text(0)) {
                keys.append(ObjectKey(kind: kind, namespace: row.text(1), name: row.text(2)))
            }
        }
        return keys
    }

    /// Creates or replaces an object. `uid` and `creationTimestamp` are kept from an existing row;
    /// `resourceVersion` becomes this transaction's revision.
    @discardableResult
    public mutating func put(_ key: ObjectKey, body: JSONValue, existing: StoredRecord?) throws -> StoredRecord {
        let uid = existing?.uid ?? RandomUUID.make()
        let created = existing?.creationTimestamp ?? RFC3339.now()
        var stored = body
        var metadata = stored["metadata"]?.objectValue ?? [:]
        metadata["uid"] = .string(uid)
        metadata["creationTimestamp"] = .string(created)
        metadata["resourceVersion"] = .string(String(revision))
        stored["metadata"] = .object(metadata)
        try connection.query(
            .upsertObject,
            [
                .text(key.kind.storageName), .text(key.namespace), .text(key.name), .text(uid), .integer(revision),
                .text(created), .text(JSONWriter.string(stored)),
            ])
        hasWritten = true
        return StoredRecord(key: key, uid: uid, resourceVersion: revision, creationTimestamp: created, body: stored)
    }

    /// Deletes an object; true if it existed.
    @discardableResult
    public mutating func delete(_ key: ObjectKey) throws -> Bool {
        try connection.query(.deleteObject, [.text(key.kind.storageName), .text(key.namespace), .text(key.name)])
        let deleted = connection.changes > 0
        if deleted { hasWritten = true }
        return deleted
    }
}
