/// A failure reported by SQLite, with the statement that caused it.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// SQLite's extended result code.
    public let code: Int32
    public let message: String
    public let sql: String?

    /// True when the database could not be written because it is read-only or the disk is full.
    public var isWriteUnavailable: Bool {
        let primary = code & 0xFF
        return primary == 8 /* READONLY */ || primary == 13 /* FULL */ || primary == 10 /* IOERR */
            || primary == 5 /* BUSY */
    }

    public var description: String {
        sql.map { "SQLite error \(code): \(message) (in \($0))" } ?? "SQLite error \(code): \(message)"
    }
}

/// Why the store could not be opened or migrated.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
