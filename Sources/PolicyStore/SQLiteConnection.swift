internal import CSQLite3

/// Owns one `sqlite3*` handle and the statements prepared on it.
///
/// Non-copyable and not `Sendable` on purpose: SQLite is opened with `SQLITE_OPEN_NOMUTEX`, so the
/// handle is safe only while one thread at a time holds it. The only owner is
/// ``PolicyRepository``'s `Mutex`, and a value that cannot be copied cannot leave `withLock`, so
/// the compiler, not a comment, checks that every use happens under the lock.
struct SQLiteConnection: ~Copyable, SQLConnection {
    private var handle: OpaquePointer?
    private var cached: [CachedStatement: OpaquePointer] = [:]

    init(path: String) throws(SQLiteError) {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open database"
            sqlite3_close(db)
            throw SQLiteError(code: rc, message: "\(message): \(path)", sql: nil)
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
    }

    deinit {
        for statement in cached.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    /// Closes the handle; later calls fail with `SQLITE_MISUSE`.
    mutating func close() {
        for statement in cached.values { sqlite3_finalize(statement) }
        cached = [:]
        sqlite3_close_v2(handle)
        handle = nil
    }

    private func check(_ rc: Int32, sql: String?) throws(SQLiteError) {
        guard rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW else {
            throw SQLiteError(code: rc, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
        }
    }

    /// Runs one or more statements without results.
    func execute(_ sql: String) throws(SQLiteError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(errorMessage)
            throw SQLiteError(code: rc, message: message, sql: sql)
        }
    }

    var engine: StoreEngine { .sqlite }

    /// A value bound to a `?` parameter.
    typealias Value = DatabaseValue
    /// One result row.
    typealias Row = DatabaseRow

    /// Prepares every SQLite ``CachedStatement`` once; call after migrations, when their tables exist.
    mutating func prepareCachedStatements() throws(SQLiteError) {
        for statement in CachedStatement.allCases where statement.isForSQLite && cached[statement] == nil {
            var prepared: OpaquePointer?
            let rc = sqlite3_prepare_v3(handle, statement.sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil)
            try check(rc, sql: statement.sql)
            cached[statement] = prepared
        }
    }

    /// Runs a statement with parameters, calling `row` for each result row.
    func query(_ sql: String, _ parameters: [Value] = [], row: (borrowing Row) throws -> Void = { _ in }) throws {
        var statement: OpaquePointer?
        try check(sqlite3_prepare_v2(handle, sql, -1, &statement, nil), sql: sql)
        defer { sqlite3_finalize(statement) }
        try run(statement, sql: sql, parameters, row: row)
    }

    /// Runs a cached statement (prepared here once, if ``prepareCachedStatements()`` has not).
    func query(_ statement: CachedStatement, _ parameters: [Value] = [], row: (borrowing Row) throws -> Void = { _ in })
        throws
    {
        guard let prepared = cached[statement] else { return try query(statement.sql, parameters, row: row) }
        // Reset even after a failure or a `row` that threw: a statement left mid-step keeps its
        // read transaction open, and old bindings must not leak into the next use.
        defer {
            sqlite3_reset(prepared)
            sqlite3_clear_bindings(prepared)
        }
        try run(prepared, sql: statement.sql, parameters, row: row)
    }

    private func run(_ statement: OpaquePointer?, sql: String, _ parameters: [Value], row: (borrowing Row) throws -> Void)
        throws
    {
        for (offset, parameter) in parameters.enumerated() {
            let position = Int32(offset + 1)
            let rc =
                switch parameter {
                case .integer(let value): sqlite3_bind_int64(statement, position, value)
                case .text(let value): sqlite3_bind_text(statement, position, value, -1, netpold_sqlite_transient())
                case .null: sqlite3_bind_null(statement, position)
                }
            guard rc == SQLITE_OK else {
                throw SQLiteError(code: rc, message: String(cString: sqlite3_errmsg(handle)), sql: sql, parameter: position)
            }
        }
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else {
                try check(rc, sql: sql)
                return
            }
            try row(Row(sqliteStatement: statement))
        }
    }

    /// Rows changed by the last statement.
    var changes: Int { Int(sqlite3_changes(handle)) }
}
