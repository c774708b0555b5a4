public import PolicyStore

/// A store that cannot be written now (read-only, disk full, I/O error, locked) is `503`: the
/// write changed nothing and may succeed later. Any other SQLite failure is a bug: `500`, with the
/// details in the server log only.
extension SQLiteError: StatusReporting {
    public var status: APIStatus {
        isWriteUnavailable
            ? APIError.unavailable("the store cannot be written right now: \(message)").status
            : APIError.internalError("see the server log").status
    }
}

/// The store holds what it should not (an object that no longer validates, an unknown kind): `500`.
extension StoreError: StatusReporting {
    public var status: APIStatus { APIError.internalError("see the server log").status }
}

/// PostgreSQL cannot be reached (down, restarting, the connection lost): `503`. Decisions do not
/// get here (they never touch the store); writes and reads of stored objects do, and may be retried.
extension StoreUnavailable: StatusReporting {
    public var status: APIStatus {
        // libpq's messages span lines; a Status message is one.
        let said = reason.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        var error = APIError.unavailable("the store cannot be reached right now: \(said)")
        error.status.retryAfterSeconds = 1
        return error.status
    }
}

/// A statement PostgreSQL refused on a working connection: a bug, `500`, details in the log only.
/// (A lock or serialisation failure cannot happen: write transactions queue on one row lock.)
extension PostgresError: StatusReporting {
    public var status: APIStatus { APIError.internalError("see the server log").status }
}
