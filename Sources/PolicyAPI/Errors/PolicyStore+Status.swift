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
