public import PolicyCore
import Synchronization

/// The SQLite-backed store of objects with a global revision. Every method is thread-safe.
public final class PolicyRepository: Sendable {
    private let connection: Mutex<SQLiteConnection>
    /// The migration versions in the database once opened.
    public let schemaVersions: [String]

    /// Opens (creating if needed) the database and applies missing migrations.
    /// - Parameter path: a file path, or `:memory:`.
    public init(path: String, migrations: [Migration]) throws {
        let connection = try SQLiteConnection(path: path)
        try connection.execute("PRAGMA busy_timeout = 5000")
        if path != ":memory:" {
            var mode = ""
            try connection.query("PRAGMA journal_mode = WAL") { mode = $0.text(0) }
            if mode.lowercased() != "wal" { throw StoreError("cannot switch \(path) to WAL mode (got \(mode))") }
        }
        // FULL: an acknowledged write survives power loss, not only a crash of this process.
        try connection.execute("PRAGMA synchronous = FULL")
        try connection.execute("PRAGMA foreign_keys = ON")
        _ = try Migrator.migrate(connection, migrations: migrations)
        schemaVersions = try Migrator.appliedVersions(connection)
        self.connection = Mutex(connection)
    }

    /// Closes the database; later calls fail.
    public func close() {
        connection.withLock { $0.close() }
    }

    /// The current revision.
    public func revision() throws -> Int64 {
        try connection.withLock { connection in try PolicyRepository.readRevision(connection) }
    }

    static func readRevision(_ connection: SQLiteConnection) throws -> Int64 {
        var value: Int64 = 0
        try connection.query("SELECT value FROM revision WHERE id = 1") { value = $0.integer(0) }
        return value
    }

    /// How many objects of each kind are stored.
    public func counts() throws -> [ResourceKind: Int] {
        try connection.withLock { connection in
            var counts: [ResourceKind: Int] = [:]
            try connection.query("SELECT kind, COUNT(*) FROM objects GROUP BY kind") { row in
                if let kind = ResourceKind(storageName: row.text(0)) { counts[kind] = Int(row.integer(1)) }
            }
            return counts
        }
    }

    /// One object, or nil.
    public func get(_ key: ObjectKey) throws -> StoredRecord? {
        try connection.withLock { connection in try PolicyRepository.read(connection, key) }
    }

    static func read(_ connection: SQLiteConnection, _ key: ObjectKey) throws -> StoredRecord? {
        var found: StoredRecord?
        try connection.query(
            "SELECT uid, resource_version, created_at, body FROM objects WHERE kind = ? AND namespace = ? AND name = ?",
            [.text(key.kind.storageName), .text(key.namespace), .text(key.name)]
        ) { row in
            found = try record(key: key, row: row, offset: 0)
        }
        return found
    }

    private static func record(key: ObjectKey, row: SQLiteConnection.Row, offset: Int32) throws -> StoredRecord {
        StoredRecord(
            key: key, uid: row.text(offset), resourceVersion: row.integer(offset + 1),
            creationTimestamp: row.text(offset + 2), body: try JSONParser.parse(row.text(offset + 3)))
    }

    /// Objects of a kind (optionally one namespace), ordered by namespace and name, starting after `after`.
    public func list(
        _ kind: ResourceKind, namespace: String? = nil, after: (namespace: String, name: String)? = nil
    ) throws -> (revision: Int64, records: [StoredRecord]) {
        try connection.withLock { connection in
            var sql = "SELECT namespace, name, uid, resource_version, created_at, body FROM objects WHERE kind = ?"
            var parameters: [SQLiteConnection.Value] = [.text(kind.storageName)]
            if let namespace {
                sql += " AND namespace = ?"
                parameters.append(.text(namespace))
            }
            if let after {
                sql += " AND (namespace, name) > (?, ?)"
                parameters += [.text(after.namespace), .text(after.name)]
            }
            sql += " ORDER BY namespace, name"
            var records: [StoredRecord] = []
            try connection.query(sql, parameters) { row in
                let key = ObjectKey(kind: kind, namespace: row.text(0), name: row.text(1))
                records.append(try PolicyRepository.record(key: key, row: row, offset: 2))
            }
            return (try PolicyRepository.readRevision(connection), records)
        }
    }

    /// Every object with the revision they were read at (one consistent read).
    public func loadAll() throws -> (revision: Int64, records: [StoredRecord]) {
        try connection.withLock { connection in
            try connection.execute("BEGIN")
            defer { try? connection.execute("COMMIT") }
            var records: [StoredRecord] = []
            try connection.query(
                "SELECT kind, namespace, name, uid, resource_version, created_at, body FROM objects ORDER BY kind, namespace, name"
            ) { row in
                guard let kind = ResourceKind(storageName: row.text(0)) else {
                    throw StoreError("unknown kind \(row.text(0)) in the database")
                }
                let key = ObjectKey(kind: kind, namespace: row.text(1), name: row.text(2))
                records.append(try PolicyRepository.record(key: key, row: row, offset: 3))
            }
            return (try PolicyRepository.readRevision(connection), records)
        }
    }

    /// Runs `body` in one write transaction at revision R+1. The revision is bumped and the
    /// transaction committed only if `body` wrote something; if it throws, nothing is kept.
    /// With `dryRun`, every check runs but the transaction is always rolled back.
    public func write<T>(dryRun: Bool = false, _ body: (inout WriteTransaction) throws -> T) throws -> (
        revision: Int64, result: T
    ) {
        try connection.withLock { connection in
            try connection.execute("BEGIN IMMEDIATE")
            do {
                let current = try PolicyRepository.readRevision(connection)
                var transaction = WriteTransaction(connection: connection, revision: current + 1)
                let result = try body(&transaction)
                if transaction.hasWritten && !dryRun {
                    try connection.query("UPDATE revision SET value = ? WHERE id = 1", [.integer(current + 1)])
                    try connection.execute("COMMIT")
                    return (current + 1, result)
                }
                try connection.execute("ROLLBACK")
                return (current, result)
            } catch {
                try? connection.execute("ROLLBACK")
                throw error
            }
        }
    }
}

/// The operations of one write transaction; valid only inside ``PolicyRepository/write(_:)``.
public struct WriteTransaction {
    fileprivate let connection: SQLiteConnection
    /// The revision this transaction writes.
    public let revision: Int64
    public fileprivate(set) var hasWritten = false

    fileprivate init(connection: SQLiteConnection, revision: Int64) {
        self.connection = connection
        self.revision = revision
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
        let uid = existing?.uid ?? Clock.uuid()
        let created = existing?.creationTimestamp ?? Clock.rfc3339Now()
        var stored = body
        var metadata = stored["metadata"]?.objectValue ?? [:]
        metadata["uid"] = .string(uid)
        metadata["creationTimestamp"] = .string(created)
        metadata["resourceVersion"] = .string(String(revision))
        stored["metadata"] = .object(metadata)
        try connection.query(
            """
            INSERT INTO objects (kind, namespace, name, uid, resource_version, created_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (kind, namespace, name) DO UPDATE SET resource_version = excluded.resource_version, body = excluded.body
            """,
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
        try connection.query(
            "DELETE FROM objects WHERE kind = ? AND namespace = ? AND name = ?",
            [.text(key.kind.storageName), .text(key.namespace), .text(key.name)])
        let deleted = connection.changes > 0
        if deleted { hasWritten = true }
        return deleted
    }
}
