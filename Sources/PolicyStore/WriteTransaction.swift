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
    /// PostgreSQL: objects put but not written yet (``objectColumns`` values each), written
    /// ``ChangeLog/batchRows`` at a time, and before anything reads the table or the commit. One
    /// round trip per object made a 110,000-object import take 40 s.
    private var pendingObjects: [DatabaseValue] = []
    private var pendingKeys: Set<ObjectKey> = []
    /// PostgreSQL: objects read ahead (``prefetch(_:)``) and kept as this transaction changes them
    /// (nil: known not to exist), so ``get(_:)`` answers them without a round trip.
    private var known: [ObjectKey: StoredRecord?] = [:]
    private static let objectColumns = 7

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
    public mutating func changes(after revision: Int64) throws -> ChangeBatch? {
        try flushObjects()
        return try ChangeLog.read(database, after: revision, current: self.revision - 1)
    }

    /// Reads these objects ahead, in a few round trips, for the ``get(_:)`` calls that follow (an
    /// import asks for each object of its bundle). Only on PostgreSQL: SQLite reads in process.
    public mutating func prefetch(_ keys: some Sequence<ObjectKey>) throws {
        guard database.engine == .postgres else { return }
        let wanted = Array(Set(keys).filter { known[$0] == nil && !pendingKeys.contains($0) })
        for start in stride(from: 0, to: wanted.count, by: 500) {
            let chunk = wanted[start..<min(start + 500, wanted.count)]
            var parameters: [DatabaseValue] = []
            parameters.reserveCapacity(chunk.count * 3)
            for key in chunk { parameters += [.text(key.kind.storageName), .text(key.namespace), .text(key.name)] }
            let rows = Array(repeating: "(?, ?, ?)", count: chunk.count).joined(separator: ", ")
            var found: [ObjectKey: StoredRecord] = [:]
            try database.query(
                "SELECT kind, namespace, name, uid, resource_version, created_at, body FROM objects"
                    + " WHERE (kind, namespace, name) IN (VALUES \(rows))", parameters
            ) { row in
                guard let kind = ResourceKind(storageName: row.text(0)) else { return }
                let key = ObjectKey(kind: kind, namespace: row.text(1), name: row.text(2))
                found[key] = try PolicyRepository.record(key: key, row: row, offset: 3)
            }
            for key in chunk { known[key] = .some(found[key]) }
        }
    }

    /// The object as stored now, with this transaction's changes.
    public mutating func get(_ key: ObjectKey) throws -> StoredRecord? {
        if let kept = known[key] { return kept }
        try flushObjects()
        return try PolicyRepository.read(database, key)
    }

    /// Keys of every object in a namespace (any kind).
    public mutating func keys(inNamespace namespace: String) throws -> [ObjectKey] {
        try flushObjects()
        var keys: [ObjectKey] = []
        try database.query("SELECT kind, name FROM objects WHERE namespace = ?", [.text(namespace)]) { row in
            if let kind = ResourceKind(storageName: row.text(0)) {
                keys.append(ObjectKey(kind: kind, namespace: namespace, name: row.text(1)))
            }
        }
        return keys
    }

    /// Every key in the store.
    public mutating func allKeys() throws -> [ObjectKey] {
        try flushObjects()
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
        let row: [DatabaseValue] = [
            .text(key.kind.storageName), .text(key.namespace), .text(key.name), .text(uid), .integer(revision),
            .text(created), .text(text),
        ]
        if database.engine == .postgres {
            // One statement must not write a key twice: a key already pending goes out first.
            if pendingKeys.contains(key) { try flushObjects() }
            pendingObjects += row
            pendingKeys.insert(key)
            if pendingKeys.count == ChangeLog.batchRows { try flushObjects() }
        } else {
            try database.query(.upsertObject, row)
        }
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
        let record = StoredRecord(key: key, uid: uid, resourceVersion: revision, creationTimestamp: created, body: stored)
        if database.engine == .postgres { known[key] = .some(record) }
        return record
    }

    /// Deletes an object; true if it existed.
    @discardableResult
    public mutating func delete(_ key: ObjectKey) throws -> Bool {
        try flushObjects()
        // The body as stored, for watches and the change log: scanned, not parsed (a namespace
        // delete may take thousands).
        let (deleted, before) = try database.deleteObject(key, wantBody: log.wanted)
        if database.engine == .postgres { known[key] = .some(nil) }
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
        try flushObjects()
        guard !pendingChanges.isEmpty else { return }
        try database.query(ChangeLog.insertSQL(rows: pendingChanges.count / ChangeLog.columns), pendingChanges)
        pendingChanges = []
    }

    /// Writes the objects put but not written yet, in one statement.
    private mutating func flushObjects() throws {
        guard !pendingKeys.isEmpty else { return }
        let row = "(" + Array(repeating: "?", count: Self.objectColumns).joined(separator: ", ") + ")"
        try database.query(
            "INSERT INTO objects (kind, namespace, name, uid, resource_version, created_at, body) VALUES "
                + Array(repeating: row, count: pendingKeys.count).joined(separator: ", ")
                + " ON CONFLICT (kind, namespace, name) DO UPDATE SET resource_version = excluded.resource_version, body = excluded.body",
            pendingObjects)
        pendingObjects = []
        pendingKeys = []
    }
}
