public import PolicyCore

/// The operations of one write transaction; valid only inside ``PolicyRepository/write(dryRun:_:)``.
///
/// Non-copyable because it holds the connection while the repository's lock is held: `write` lends
/// it to the closure `inout`, and a non-copyable value cannot be stored, captured or returned from
/// there, so no SQL can run through it after `write` returns and releases the lock.
///
/// No other writer, in this process or another, runs until the transaction ends (SQLite:
/// `BEGIN IMMEDIATE`; PostgreSQL: the `revision` row locked `FOR UPDATE`), so what it reads is what
/// it writes over.
public struct WriteTransaction: ~Copyable {
    private var database: Database
    /// The revision this transaction writes.
    public let revision: Int64
    public private(set) var hasWritten = false
    /// The writes made so far, when recording (``recordWrites(upTo:)``).
    public private(set) var log = WriteLog(limit: 0)
    /// PostgreSQL, not a dry run: every put and delete also goes to the change log (`changes`).
    private let logsChanges: Bool
    /// The position of the next change-log row within this revision.
    private var sequence: Int64 = 0
    /// Change-log rows not inserted yet (``ChangeLog/columns`` values each), inserted
    /// ``ChangeLog/batchRows`` at a time and the rest by ``flushChanges()`` before the commit.
    private var pendingChanges: [DatabaseValue] = []

    init(database: consuming Database, revision: Int64, logsChanges: Bool) {
        self.database = database
        self.revision = revision
        self.logsChanges = logsChanges
    }

    /// Gives the connection back to ``PolicyRepository/write(dryRun:_:)``.
    consuming func end() -> Database { database }

    /// Records every following put and delete in ``log``, as long as there are at most `limit`.
    public mutating func recordWrites(upTo limit: Int) {
        log = WriteLog(limit: max(0, limit))
    }

    /// The writes other processes committed after `revision`, up to the one this transaction
    /// started from (its own writes are not included), or nil when the change log no longer reaches
    /// back that far. Runs under the write lock, so nothing can commit in between: a replica can
    /// catch up here before it checks its own write. On SQLite (one process owns the file): an empty
    /// batch when `revision` is the one this transaction started from, else nil.
    public func changes(after revision: Int64) throws -> ChangeBatch? {
        try ChangeLog.read(database, after: revision, current: self.revision - 1)
    }

    /// The object as stored before this transaction's changes to it.
    public func get(_ key: ObjectKey) throws -> StoredRecord? {
        try PolicyRepository.read(database, key)
    }

    /// Keys of every object in a namespace (any kind).
    public func keys(inNamespace namespace: String) throws -> [ObjectKey] {
        var keys: [ObjectKey] = []
        try database.query("SELECT kind, name FROM objects WHERE namespace = ?", [.text(namespace)]) { row in
            if let kind = ResourceKind(storageName: row.text(0)) {
                keys.append(ObjectKey(kind: kind, namespace: namespace, name: row.text(1)))
            }
        }
        return keys
    }

    /// Every key in the store.
    public func allKeys() throws -> [ObjectKey] {
        var keys: [ObjectKey] = []
        try database.query("SELECT kind, namespace, name FROM objects") { row in
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
        let text = String(decoding: json, as: UTF8.self)
        try database.query(
            .upsertObject,
            [
                .text(key.kind.storageName), .text(key.namespace), .text(key.name), .text(uid), .integer(revision),
                .text(created), .text(text),
            ])
        hasWritten = true
        if log.wanted || logsChanges {
            let labels = WriteLog.labels(stored)
            var previous: ObjectWrite.Previous?
            if let existing {
                let before = WriteLog.labels(existing.body)
                if before != labels {
                    previous = ObjectWrite.Previous(labels: before, json: WriteLog.json(existing.body, resourceVersion: revision))
                }
            }
            let write = ObjectWrite(
                action: existing == nil ? .added : .modified, key: key, labels: labels, json: json, previous: previous)
            if logsChanges { try logChange(write, text: text) }
            log.append(write)
        }
        return StoredRecord(key: key, uid: uid, resourceVersion: revision, creationTimestamp: created, body: stored)
    }

    /// Deletes an object; true if it existed.
    @discardableResult
    public mutating func delete(_ key: ObjectKey) throws -> Bool {
        // The body as stored, for watches and the change log: scanned, not parsed (a namespace
        // delete may take thousands).
        let (deleted, before) = try database.deleteObject(key, wantBody: log.wanted)
        guard deleted else { return false }
        hasWritten = true
        if let before, log.wanted || logsChanges {
            let json =
                try StoredJSON.settingResourceVersion(before, to: revision)
                ?? WriteLog.json(JSONParser.parse(before), resourceVersion: revision)
            let write = ObjectWrite(action: .deleted, key: key, labels: StoredJSON.labels(before), json: json, previous: nil)
            if logsChanges { try logChange(write, text: String(decoding: json, as: UTF8.self)) }
            log.append(write)
        }
        return true
    }

    /// Adds a row to the change log (inserted with the next batch).
    private mutating func logChange(_ write: ObjectWrite, text: String) throws {
        pendingChanges += [
            .integer(revision), .integer(sequence), .text(write.action.storageName), .text(write.key.kind.storageName),
            .text(write.key.namespace), .text(write.key.name), .text(text),
            write.previous.map { .text(String(decoding: $0.json, as: UTF8.self)) } ?? .null,
        ]
        sequence += 1
        if pendingChanges.count == ChangeLog.batchRows * ChangeLog.columns {
            try database.query(.insertChanges, pendingChanges)
            pendingChanges = []
        }
    }

    /// Inserts the change-log rows not inserted yet; ``PolicyRepository/write(dryRun:_:)`` calls it
    /// before committing.
    mutating func flushChanges() throws {
        guard !pendingChanges.isEmpty else { return }
        try database.query(ChangeLog.insertSQL(rows: pendingChanges.count / ChangeLog.columns), pendingChanges)
        pendingChanges = []
    }
}
