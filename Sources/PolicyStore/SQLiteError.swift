/// A failure reported by SQLite, with the statement (and, for a bind, the parameter) that caused it.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// SQLite's extended result code.
    public let code: Int32
    public let message: String
    public let sql: String?
    /// The 1-based `?` parameter whose value SQLite refused to bind, if that was the failure.
    public let parameter: Int32?

    init(code: Int32, message: String, sql: String?, parameter: Int32? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
        self.parameter = parameter
    }

    /// True when the database could not be written because it is read-only or the disk is full.
    public var isWriteUnavailable: Bool {
        // SQLITE_READONLY, SQLITE_FULL, SQLITE_IOERR, SQLITE_BUSY: the disk or the lock, not the request.
        let primary = code & 0xFF
        return primary == 8 || primary == 13 || primary == 10 || primary == 5
    }

    public var description: String {
        switch (parameter, sql) {
        case (let parameter?, let sql?): "SQLite error \(code): \(message) (binding parameter \(parameter) in \(sql))"
        case (nil, let sql?): "SQLite error \(code): \(message) (in \(sql))"
        case (let parameter?, nil): "SQLite error \(code): \(message) (binding parameter \(parameter))"
        case (nil, nil): "SQLite error \(code): \(message)"
        }
    }
}
