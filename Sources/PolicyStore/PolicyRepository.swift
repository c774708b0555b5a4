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
        var connection = try SQLiteConnection(path: path)
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
        try connection.prepareCachedStatements()
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

    static func readRevision(_ connection: borrowing SQLiteConnection) throws -> Int64 {
        var value: Int64 = 0
        try connection.query(.readRevision) { value = $0.integer(0) }
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

    static func read(_ connection: borrowing SQLiteConnection, _ key: ObjectKey) throws -> StoredRecord? {
        var found: StoredRecord?
        try connection.query(
            .readObject, [.text(key.kind.storageName), .text(key.namespace), .text(key.name)]
        ) { row in
            found = try record(key: key, row: row, offset: 0)
        }
        return found
    }

    private static func record(key: ObjectKey, row: borrowing SQLiteConnection.Row, offset: Int32) throws -> StoredRecord {
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
    ///
    /// `body` gets the transaction `inout sending`: besides `WriteTransaction` being non-copyable,
    /// that tells the concurrency checker `body` keeps no part of it, so the connection stays
    /// owned by the lock.
    public func write<T>(dryRun: Bool = false, _ body: (inout sending WriteTransaction) throws -> T) throws -> (
        revision: Int64, result: T
    ) {
        try connection.withLock { connection in
            try connection.execute("BEGIN IMMEDIATE")
            let current: Int64
            do {
                current = try PolicyRepository.readRevision(connection)
            } catch {
                try? connection.execute("ROLLBACK")
                throw error
            }
            // The connection moves into the transaction and back out on every path; inline
            // rather than in a helper, because `result` must stay sendable to leave `withLock`.
            var transaction = WriteTransaction(connection: connection, revision: current + 1)
            let result: T
            do {
                result = try body(&transaction)
            } catch {
                connection = transaction.end()
                try? connection.execute("ROLLBACK")
                throw error
            }
            let hasWritten = transaction.hasWritten
            connection = transaction.end()
            do {
                if hasWritten && !dryRun {
                    try connection.query(.bumpRevision, [.integer(current + 1)])
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
