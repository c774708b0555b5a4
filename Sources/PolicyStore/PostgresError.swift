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
    static func meansUnavailable(_ sqlState: String?) -> Bool {
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08") || sqlState == "57P01" || sqlState == "57P02" || sqlState == "57P03"
    }

    public var description: String {
        "PostgreSQL error" + (sqlState.map { " \($0)" } ?? "") + ": \(message)" + (sql.map { " (in \($0))" } ?? "")
    }
}
