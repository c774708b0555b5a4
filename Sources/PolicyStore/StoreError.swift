/// Why the store could not be opened or migrated.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The database cannot be reached: PostgreSQL refused or dropped the connection, or is shutting
/// down. Nothing was changed (or, for a lost `COMMIT`, it is unknown whether the write landed);
/// the same call may succeed later, on a connection made anew.
public struct StoreUnavailable: Error, Sendable, CustomStringConvertible {
    /// What libpq or the server said.
    public let reason: String
    /// The server's SQLSTATE, when it sent one (class `08`, `57P01`...`57P03`).
    public let sqlState: String?

    public init(reason: String, sqlState: String? = nil) {
        self.reason = reason
        self.sqlState = sqlState
    }

    public var description: String {
        "the database is unavailable: \(reason)" + (sqlState.map { " (SQLSTATE \($0))" } ?? "")
    }
}
