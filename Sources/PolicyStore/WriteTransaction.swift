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
    /// The writes made so far, when recording (``recordWrites(upTo:)``).
    public private(set) var log = WriteLog(limit: 0)

    init(connection: consuming SQLiteConnection, revision: Int64) {
        self.connection = connection
        self.revision = revision
    }

    /// Gives the connection back to ``PolicyRepository/write(dryRun:_:)``.
    consuming func end() -> SQLiteConnection { connection }

    /// Records every following put and delete in ``log``, as long as there are at most `limit`.
    public mutating func recordWrites(upTo limit: Int) {
        log = WriteLog(limit: max(0, limit))
    }

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
        let json = JSONWriter.bytes(stored)
        try connection.query(
            .upsertObject,
            [
                .text(key.kind.storageName), .text(key.namespace), .text(key.name), .text(uid), .integer(revision),
                .text(created), .text(String(decoding: json, as: UTF8.self)),
            ])
        hasWritten = true
        if log.wanted {
            let labels = WriteLog.labels(stored)
            var previous: ObjectWrite.Previous?
            if let existing {
                let before = WriteLog.labels(existing.body)
                if before != labels {
                    previous = ObjectWrite.Previous(labels: before, json: WriteLog.json(existing.body, resourceVersion: revision))
                }
            }
            log.append(
                ObjectWrite(
                    action: existing == nil ? .added : .modified, key: key, labels: labels, json: json, previous: previous))
        }
        return StoredRecord(key: key, uid: uid, resourceVersion: revision, creationTimestamp: created, body: stored)
    }

    /// Deletes an object; true if it existed.
    @discardableResult
    public mutating func delete(_ key: ObjectKey) throws -> Bool {
        // The body as stored, for watches: scanned, not parsed (a namespace delete may take thousands).
        var before: [UInt8]?
        if log.wanted {
            try connection.query(.readObject, [.text(key.kind.storageName), .text(key.namespace), .text(key.name)]) { row in
                before = Array(row.text(3).utf8)
            }
        }
        try connection.query(.deleteObject, [.text(key.kind.storageName), .text(key.namespace), .text(key.name)])
        let deleted = connection.changes > 0
        if deleted { hasWritten = true }
        if deleted, let before {
            let json =
                try StoredJSON.settingResourceVersion(before, to: revision)
                ?? WriteLog.json(JSONParser.parse(before), resourceVersion: revision)
            log.append(ObjectWrite(action: .deleted, key: key, labels: StoredJSON.labels(before), json: json, previous: nil))
        }
        return deleted
    }
}
