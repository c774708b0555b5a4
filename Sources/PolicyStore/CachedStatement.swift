/// The statements every write runs, prepared once per connection instead of once per use
/// (SQLite: `sqlite3_prepare_v3`; PostgreSQL: `PQprepare`, named `netpold_<case>`, again after a
/// reconnect). Written with `?` parameters; PostgreSQL gets them numbered `$1`, `$2`, ...
enum CachedStatement: CaseIterable {
    case readObject
    case upsertObject
    case deleteObject
    case readRevision
    case bumpRevision
    /// PostgreSQL: what every write transaction does first, so writers run one at a time.
    case lockRevision
    /// PostgreSQL: a delete that returns the body the change log records.
    case deleteObjectReturningBody
    /// PostgreSQL: ``ChangeLog/batchRows`` rows of the change log at once.
    case insertChanges
    /// PostgreSQL: the change log after a revision, up to another.
    case readChanges
    /// PostgreSQL: the revision and the oldest one the change log still holds whole.
    case readLogBounds

    var isForSQLite: Bool {
        switch self {
        case .readObject, .upsertObject, .deleteObject, .readRevision, .bumpRevision: true
        case .lockRevision, .deleteObjectReturningBody, .insertChanges, .readChanges, .readLogBounds: false
        }
    }

    var isForPostgres: Bool { self != .deleteObject }

    var sql: String {
        switch self {
        case .readObject:
            "SELECT uid, resource_version, created_at, body FROM objects WHERE kind = ? AND namespace = ? AND name = ?"
        case .upsertObject:
            """
            INSERT INTO objects (kind, namespace, name, uid, resource_version, created_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (kind, namespace, name) DO UPDATE SET resource_version = excluded.resource_version, body = excluded.body
            """
        case .deleteObject: "DELETE FROM objects WHERE kind = ? AND namespace = ? AND name = ?"
        case .readRevision: "SELECT value FROM revision WHERE id = 1"
        case .bumpRevision: "UPDATE revision SET value = ? WHERE id = 1"
        case .lockRevision: "SELECT value FROM revision WHERE id = 1 FOR UPDATE"
        case .deleteObjectReturningBody: "DELETE FROM objects WHERE kind = ? AND namespace = ? AND name = ? RETURNING body"
        case .insertChanges: ChangeLog.insertSQL(rows: ChangeLog.batchRows)
        case .readChanges:
            """
            SELECT revision, action, kind, namespace, name, body, previous FROM changes
            WHERE revision > ? AND revision <= ? ORDER BY revision, seq
            """
        case .readLogBounds: "SELECT value, changes_from FROM revision WHERE id = 1"
        }
    }
}
