/// A failure reported by PostgreSQL for a statement, while the connection itself is fine (those
/// that are not are ``StoreUnavailable``).
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// The five-character SQLSTATE (e.g. `23505`, a unique violation); nil when libpq failed
    /// before the server answered.
    public let sqlState: String?
    public let message: String
    public let sql: String?

    init(sqlState: String?, message: String, sql: String?) {
        self.sqlState = sqlState
        self.message = message
        self.sql = sql
    }

    /// Whether an SQLSTATE says the connection is gone rather than the statement wrong: class 08
    /// (connection exception) and 57P01...57P03 (the server is shutting down or starting).
    /// Also 55P03 (a lock not had within `lock_timeout`: another replica's write holds the store)
    /// and 57014 (a statement cancelled at `statement_timeout`): the store is busy, not broken,
    /// and the same call may succeed later.
    static func meansUnavailable(_ sqlState: String?) -> Bool {
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03", "55P03", "57014"].contains(sqlState)
    }

    public var description: String {
        "PostgreSQL error" + (sqlState.map { " \($0)" } ?? "") + ": \(message)" + (sql.map { " (in \($0))" } ?? "")
    }
}
