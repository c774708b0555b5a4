import Glibc
public import PolicyCore
import Synchronization

/// The store of objects with a global revision, on SQLite (a file that one process owns) or on
/// PostgreSQL (a database that several replicas share); callers need not know which.
///
/// Every method is thread-safe. Reads and writes go through one connection under a lock, so within
/// one process they run one at a time; ``waitForNotification(timeout:)`` waits on a connection of
/// its own.
public final class PolicyRepository: Sendable {
    private let database: Mutex<Database>
    /// PostgreSQL only: the connection that LISTENs for commits, made on first use.
    private let listener: Mutex<RevisionListener?>
    /// Which engine is behind the store (for logs and readiness answers).
    public let engine: StoreEngine
    /// The migration versions in the database once opened.
    public let schemaVersions: [String]
    /// PostgreSQL: how many revisions the change log keeps at least, and how often it is pruned.
    let changeLogRetention: Int64
    let changeLogPruneInterval: Int64

    /// The key of the advisory lock that PostgreSQL migrations run under ("netpold" in ASCII).
    static let migrationLockKey: Int64 = 0x6E_6574_706F_6C64

    private init(
        database: consuming sending Database, listener: consuming sending RevisionListener?, schemaVersions: [String],
        changeLogRetention: Int64 = ChangeLog.defaultRetention, changeLogPruneInterval: Int64 = ChangeLog.defaultPruneInterval
    ) {
        engine = database.engine
        self.database = Mutex(database)
        self.listener = Mutex(listener)
        self.schemaVersions = schemaVersions
        self.changeLogRetention = changeLogRetention
        self.changeLogPruneInterval = changeLogPruneInterval
    }

    /// Opens the store that `store` names, with the migrations of its engine from the project's
    /// migrations folder: a `postgres://` or `postgresql://` URL opens PostgreSQL (migrations from
    /// `migrationsDirectory/postgres`), anything else a SQLite file (migrations from
    /// `migrationsDirectory`).
    public convenience init(store: String, migrationsDirectory: String) throws {
        let engine = StoreEngine(store: store)
        let migrations = try Migration.load(from: engine.migrationsDirectory(in: migrationsDirectory))
        switch engine {
        case .sqlite: try self.init(path: store, migrations: migrations)
        case .postgres: try self.init(postgres: store, migrations: migrations)
        }
    }

    /// Opens (creating if needed) a SQLite database and applies missing migrations.
    /// - Parameter path: a file path, or `:memory:`.
    public convenience init(path: String, migrations: [Migration]) throws {
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
        let versions = try Migrator.appliedVersions(connection)
        try connection.prepareCachedStatements()
        self.init(database: .sqlite(connection), listener: nil, schemaVersions: versions)
    }

    /// Connects to a PostgreSQL database and applies missing migrations (those of
    /// `migrations/postgres`), under an advisory lock so that replicas starting together take turns.
    /// - Parameter url: `postgres://USER[:PASSWORD]@HOST:PORT/DB`, with any libpq parameters after `?`.
    /// - Throws: ``StoreUnavailable`` when the server cannot be reached (within 3 seconds, unless the
    ///   URL sets `connect_timeout`); ``StoreError`` when the schema is newer or a migration fails.
    public convenience init(postgres url: String, migrations: [Migration]) throws {
        try self.init(
            postgres: url, migrations: migrations, changeLogRetention: ChangeLog.defaultRetention,
            changeLogPruneInterval: ChangeLog.defaultPruneInterval)
    }

    /// As the public one, with the change log's retention chosen (for tests).
    convenience init(
        postgres url: String, migrations: [Migration], changeLogRetention: Int64, changeLogPruneInterval: Int64
    ) throws {
        var connection = try PostgresConnection(url: url)
        try connection.execute("SELECT pg_advisory_lock(\(Self.migrationLockKey))")
        let versions: [String]
        do {
            _ = try Migrator.migrate(connection, migrations: migrations)
            versions = try Migrator.appliedVersions(connection)
        } catch {
            try? connection.execute("SELECT pg_advisory_unlock(\(Self.migrationLockKey))")
            throw error
        }
        try connection.execute("SELECT pg_advisory_unlock(\(Self.migrationLockKey))")
        try connection.prepareStatements()
        self.init(
            database: .postgres(connection), listener: RevisionListener(url: url), schemaVersions: versions,
            changeLogRetention: changeLogRetention, changeLogPruneInterval: changeLogPruneInterval)
    }

    /// Closes the database; later calls fail. (Waits for a ``waitForNotification(timeout:)`` in
    /// progress to end.)
    public func close() {
        database.withLock { $0.close() }
        listener.withLock { $0?.close() }
    }

    /// Runs `body` on the connection, under the lock, after making it ready for use.
    private func withDatabase<T: Sendable>(_ body: (borrowing Database) throws -> T) throws -> T {
        try database.withLock { database in
            try database.prepareForUse()
            return try body(database)
        }
    }

    /// The current revision.
    public func revision() throws -> Int64 {
        try withDatabase { database in try PolicyRepository.readRevision(database) }
    }

    static func readRevision(_ database: borrowing Database) throws -> Int64 {
        var value: Int64 = 0
        try database.query(.readRevision) { value = $0.integer(0) }
        return value
    }

    /// How many objects of each kind are stored.
    public func counts() throws -> [ResourceKind: Int] {
        try withDatabase { database in
            var counts: [ResourceKind: Int] = [:]
            try database.query("SELECT kind, COUNT(*) FROM objects GROUP BY kind") { row in
                if let kind = ResourceKind(storageName: row.text(0)) { counts[kind] = Int(row.integer(1)) }
            }
            return counts
        }
    }

    /// One object, or nil.
    public func get(_ key: ObjectKey) throws -> StoredRecord? {
        try withDatabase { database in try PolicyRepository.read(database, key) }
    }

    static func read(_ database: borrowing Database, _ key: ObjectKey) throws -> StoredRecord? {
        var found: StoredRecord?
        try database.query(.readObject, [.text(key.kind.storageName), .text(key.namespace), .text(key.name)]) { row in
            found = try record(key: key, row: row, offset: 0)
        }
        return found
    }

    static func record(key: ObjectKey, row: borrowing DatabaseRow, offset: Int32) throws -> StoredRecord {
        StoredRecord(
            key: key, uid: row.text(offset), resourceVersion: row.integer(offset + 1),
            creationTimestamp: row.text(offset + 2), body: try JSONParser.parse(row.bytes(offset + 3)))
    }

    /// Objects of a kind (optionally one namespace), ordered by namespace and name (byte order),
    /// starting after `after`, with the revision they were read at (one consistent read).
    public func list(
        _ kind: ResourceKind, namespace: String? = nil, after: (namespace: String, name: String)? = nil
    ) throws -> (revision: Int64, records: [StoredRecord]) {
        var sql = "SELECT namespace, name, uid, resource_version, created_at, body FROM objects WHERE kind = ?"
        var parameters: [DatabaseValue] = [.text(kind.storageName)]
        if let namespace {
            sql += " AND namespace = ?"
            parameters.append(.text(namespace))
        }
        if let after {
            sql += " AND (namespace, name) > (?, ?)"
            parameters += [.text(after.namespace), .text(after.name)]
        }
        sql += " ORDER BY namespace, name"
        let query = sql
        let values = parameters
        return try withDatabase { database in
            try database.readSnapshot { database in
                var records: [StoredRecord] = []
                try database.query(query, values) { row in
                    let key = ObjectKey(kind: kind, namespace: row.text(0), name: row.text(1))
                    records.append(try PolicyRepository.record(key: key, row: row, offset: 2))
                }
                return (try PolicyRepository.readRevision(database), records)
            }
        }
    }

    /// Every object with the revision they were read at (one consistent read).
    public func loadAll() throws -> (revision: Int64, records: [StoredRecord]) {
        try withDatabase { database in
            try database.readSnapshot { database in
                var records: [StoredRecord] = []
                try database.query(
                    "SELECT kind, namespace, name, uid, resource_version, created_at, body FROM objects ORDER BY kind, namespace, name"
                ) { row in
                    guard let kind = ResourceKind(storageName: row.text(0)) else {
                        throw StoreError("unknown kind \(row.text(0)) in the database")
                    }
                    let key = ObjectKey(kind: kind, namespace: row.text(1), name: row.text(2))
                    records.append(try PolicyRepository.record(key: key, row: row, offset: 3))
                }
                return (try PolicyRepository.readRevision(database), records)
            }
        }
    }

    /// Every write committed after `revision`, oldest first, with the store's current revision,
    /// read in one snapshot: what a replica applies to catch up with the others' writes.
    /// - Returns: nil when the change log no longer reaches back to `revision + 1` (it keeps at
    ///   least the newest 100,000 revisions), or `revision` is ahead of the store: reload everything
    ///   (``loadAll()``). On SQLite, which one process owns, there is nothing to catch up on: an
    ///   empty batch when `revision` is the current one, else nil.
    public func changes(after revision: Int64) throws -> ChangeBatch? {
        try withDatabase { database in
            try database.readSnapshot { database in try ChangeLog.read(database, after: revision) }
        }
    }

    /// Waits up to `timeout` for another process's commit (PostgreSQL `LISTEN netpold_revision`,
    /// on a connection of its own; the repository's lock is not held meanwhile).
    /// - Returns: the highest revision notified; nil when `timeout` passed without one. The first
    ///   call, and the first after the connection was lost, returns at once the revision read just
    ///   after LISTEN began: commits before then were not notified, so the caller catches up from it
    ///   (``changes(after:)``). On SQLite, which nobody else writes: sleeps `timeout`, returns nil.
    /// - Throws: ``StoreUnavailable`` while PostgreSQL cannot be reached (the next call connects anew).
    public func waitForNotification(timeout: Duration) throws -> Int64? {
        guard engine == .postgres else {
            let (seconds, attoseconds) = timeout.components
            var request = timespec(tv_sec: Int(max(0, seconds)), tv_nsec: Int(max(0, attoseconds) / 1_000_000_000))
            var remaining = timespec()
            while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
            return nil
        }
        return try listener.withLock { listener in try listener?.wait(timeout: timeout) }
    }

    /// Runs `body` in one write transaction at revision R+1. The revision is bumped and the
    /// transaction committed only if `body` wrote something; if it throws, nothing is kept.
    /// With `dryRun`, every check runs but the transaction is always rolled back.
    ///
    /// No other write transaction runs meanwhile, in this process or (PostgreSQL) another: a
    /// read-compare-write inside `body` (an expected resourceVersion) sees the latest commit. On
    /// PostgreSQL a committed transaction also records each put and delete in the change log and
    /// notifies `netpold_revision` with the new revision.
    ///
    /// `body` gets the transaction `inout sending`: besides `WriteTransaction` being non-copyable,
    /// that tells the concurrency checker `body` keeps no part of it, so the connection stays
    /// owned by the lock.
    public func write<T>(dryRun: Bool = false, _ body: (inout sending WriteTransaction) throws -> T) throws -> (
        revision: Int64, result: T
    ) {
        let retention = changeLogRetention
        let pruneInterval = changeLogPruneInterval
        return try database.withLock { database in
            try database.prepareForUse()
            let current = try database.beginWrite()
            let isPostgres = database.engine == .postgres
            // The connection moves into the transaction and back out on every path; inline
            // rather than in a helper, because `result` must stay sendable to leave `withLock`.
            var transaction = WriteTransaction(database: database, revision: current + 1, logsChanges: isPostgres && !dryRun)
            let result: T
            do {
                result = try body(&transaction)
                try transaction.flushChanges()
            } catch {
                database = transaction.end()
                try? database.execute("ROLLBACK")
                throw error
            }
            let hasWritten = transaction.hasWritten
            database = transaction.end()
            do {
                if hasWritten && !dryRun {
                    try database.query(.bumpRevision, [.integer(current + 1)])
                    if isPostgres {
                        try ChangeLog.prune(database, revision: current + 1, retention: retention, interval: pruneInterval)
                        // Delivered to the listeners when (and only if) the transaction commits.
                        try database.query(
                            "SELECT pg_notify(?, ?)", [.text(RevisionListener.channel), .text(String(current + 1))])
                    }
                    try database.execute("COMMIT")
                    return (current + 1, result)
                }
                try database.execute("ROLLBACK")
                return (current, result)
            } catch {
                try? database.execute("ROLLBACK")
                throw error
            }
        }
    }
}
