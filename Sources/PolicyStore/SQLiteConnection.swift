internal import CSQLite3

/// Owns one `sqlite3*` handle. Not thread-safe by itself: ``PolicyRepository`` serialises every use.
///
/// `@unchecked Sendable` is safe because the only instance lives inside the repository's mutex
/// and every method runs while that lock is held.
final class SQLiteConnection: @unchecked Sendable {
    private var handle: OpaquePointer?

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

    deinit { sqlite3_close_v2(handle) }

    func close() {
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

    /// A value bound to a `?` parameter.
    enum Value {
        case integer(Int64)
        case text(String)
        case null
    }

    /// Runs a statement with parameters, calling `row` for each result row.
    func query(_ sql: String, _ parameters: [Value] = [], row: (Row) throws -> Void = { _ in }) throws {
        var statement: OpaquePointer?
        try check(sqlite3_prepare_v2(handle, sql, -1, &statement, nil), sql: sql)
        defer { sqlite3_finalize(statement) }
        for (offset, parameter) in parameters.enumerated() {
            let position = Int32(offset + 1)
            switch parameter {
            case .integer(let value): sqlite3_bind_int64(statement, position, value)
            case .text(let value): sqlite3_bind_text(statement, position, value, -1, netpold_sqlite_transient())
            case .null: sqlite3_bind_null(statement, position)
            }
        }
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else { try check(rc, sql: sql); return }
            try row(Row(statement: statement))
        }
    }

    /// Rows changed by the last statement.
    var changes: Int { Int(sqlite3_changes(handle)) }

    /// One result row, valid only inside the `row` callback.
    struct Row {
        fileprivate let statement: OpaquePointer?

        func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

        func text(_ column: Int32) -> String {
            guard let pointer = sqlite3_column_text(statement, column) else { return "" }
            return String(cString: pointer)
        }

        func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }
    }
}
