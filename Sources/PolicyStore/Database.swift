internal import CLibPQ
internal import CSQLite3
import Glibc
import PolicyCore

/// A value bound to a statement parameter (`?` in the SQL of either engine).
enum DatabaseValue {
    case integer(Int64)
    case text(String)
    case null
}

/// One result row, of either engine. Non-copyable so it cannot outlive the `row` callback, after
/// which the SQLite statement it reads from is stepped, reset or finalized, or the PostgreSQL
/// result freed.
struct DatabaseRow: ~Copyable {
    private enum Source {
        case sqlite(OpaquePointer?)
        /// PostgreSQL results are in text format: every value is its text, NUL-terminated.
        case postgres(OpaquePointer?, row: Int32)
    }

    private let source: Source

    init(sqliteStatement: OpaquePointer?) { source = .sqlite(sqliteStatement) }

    init(postgresResult: OpaquePointer?, row: Int32) { source = .postgres(postgresResult, row: row) }

    func integer(_ column: Int32) -> Int64 {
        switch source {
        case .sqlite(let statement): sqlite3_column_int64(statement, column)
        case .postgres(let result, let row): PQgetvalue(result, row, column).map { strtoll($0, nil, 10) } ?? 0
        }
    }

    func text(_ column: Int32) -> String {
        switch source {
        case .sqlite(let statement):
            guard let pointer = sqlite3_column_text(statement, column) else { return "" }
            return String(cString: pointer)
        case .postgres(let result, let row):
            guard let pointer = PQgetvalue(result, row, column) else { return "" }
            return String(cString: pointer)
        }
    }

    /// The value's text as UTF-8 bytes, without making a `String` first.
    func bytes(_ column: Int32) -> [UInt8] {
        switch source {
        case .sqlite(let statement):
            guard let pointer = sqlite3_column_text(statement, column) else { return [] }
            return Array(UnsafeBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(statement, column))))
        case .postgres(let result, let row):
            guard let pointer = PQgetvalue(result, row, column) else { return [] }
            return pointer.withMemoryRebound(to: UInt8.self, capacity: 1) { start in
                Array(UnsafeBufferPointer(start: start, count: Int(PQgetlength(result, row, column))))
            }
        }
    }

    func isNull(_ column: Int32) -> Bool {
        switch source {
        case .sqlite(let statement): sqlite3_column_type(statement, column) == SQLITE_NULL
        case .postgres(let result, let row): PQgetisnull(result, row, column) == 1
        }
    }
}

/// What the migrator needs of a connection, whichever the engine.
protocol SQLConnection: ~Copyable {
    var engine: StoreEngine { get }
    /// Runs one or more statements without parameters or results.
    func execute(_ sql: String) throws
    /// Runs one statement with parameters (`?`), calling `row` for each result row.
    func query(_ sql: String, _ parameters: [DatabaseValue], row: (borrowing DatabaseRow) throws -> Void) throws
}

/// The connection a ``PolicyRepository`` reads and writes through, of one engine or the other.
/// Non-copyable, like each engine's connection: it lives in the repository's `Mutex` and moves
/// into a ``WriteTransaction`` and back.
enum Database: ~Copyable, SQLConnection {
    case sqlite(SQLiteConnection)
    case postgres(PostgresConnection)

    var engine: StoreEngine {
        switch self {
        case .sqlite: .sqlite
        case .postgres: .postgres
        }
    }

    func execute(_ sql: String) throws {
        switch self {
        case .sqlite(let connection): try connection.execute(sql)
        case .postgres(let connection): try connection.execute(sql)
        }
    }

    func query(
        _ sql: String, _ parameters: [DatabaseValue] = [], row: (borrowing DatabaseRow) throws -> Void = { _ in }
    ) throws {
        switch self {
        case .sqlite(let connection): try connection.query(sql, parameters, row: row)
        case .postgres(let connection): try connection.query(sql, parameters, row: row)
        }
    }

    func query(
        _ statement: CachedStatement, _ parameters: [DatabaseValue] = [],
        row: (borrowing DatabaseRow) throws -> Void = { _ in }
    ) throws {
        switch self {
        case .sqlite(let connection): try connection.query(statement, parameters, row: row)
        case .postgres(let connection): try connection.query(statement, parameters, row: row)
        }
    }

    /// Closes the connection; later calls fail.
    mutating func close() {
        switch consume self {
        case .sqlite(var connection):
            connection.close()
            self = .sqlite(connection)
        case .postgres(var connection):
            connection.close()
            self = .postgres(connection)
        }
    }

    /// Makes the connection ready for the next operation. PostgreSQL: a connection found broken is
    /// made anew (``StoreUnavailable`` if it cannot be), and a transaction that a failed operation
    /// left open is rolled back. SQLite: nothing to do.
    mutating func prepareForUse() throws {
        switch consume self {
        case .sqlite(let connection):
            self = .sqlite(connection)
        case .postgres(var connection):
            do {
                try connection.prepareForUse()
            } catch {
                self = .postgres(connection)
                throw error
            }
            self = .postgres(connection)
        }
    }

    /// Begins a write transaction that excludes every other writer until it ends, in this process
    /// or any other, and returns the revision it starts from. SQLite: `BEGIN IMMEDIATE`.
    /// PostgreSQL: the `revision` row locked `FOR UPDATE`, which every writer locks first; the
    /// transaction stays at READ COMMITTED, so once it has the lock each statement sees every write
    /// committed before.
    func beginWrite() throws -> Int64 {
        let isSQLite = engine == .sqlite
        try execute(isSQLite ? "BEGIN IMMEDIATE" : "BEGIN")
        do {
            var current: Int64 = 0
            try query(isSQLite ? .readRevision : .lockRevision) { current = $0.integer(0) }
            return current
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Runs `body` in one read-only transaction that sees one consistent state of the database
    /// (PostgreSQL: REPEATABLE READ).
    func readSnapshot<T>(_ body: (borrowing Database) throws -> T) throws -> T {
        try execute(engine == .sqlite ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        let result: T
        do {
            result = try body(self)
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
        try execute("COMMIT")
        return result
    }

    /// Deletes one object's row: whether there was one and, if `wantBody` or on PostgreSQL
    /// (where it costs nothing more), the body it held.
    func deleteObject(_ key: ObjectKey, wantBody: Bool) throws -> (deleted: Bool, body: [UInt8]?) {
        let parameters: [DatabaseValue] = [.text(key.kind.storageName), .text(key.namespace), .text(key.name)]
        switch self {
        case .sqlite(let connection):
            var body: [UInt8]?
            if wantBody { try connection.query(.readObject, parameters) { body = $0.bytes(3) } }
            try connection.query(.deleteObject, parameters)
            return (connection.changes > 0, body)
        case .postgres(let connection):
            var body: [UInt8]?
            try connection.query(.deleteObjectReturningBody, parameters) { body = $0.bytes(0) }
            return (body != nil, body)
        }
    }
}
