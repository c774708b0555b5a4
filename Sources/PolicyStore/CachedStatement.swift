/// The statements every write runs, prepared once per connection instead of once per use.
enum CachedStatement: CaseIterable {
    case readObject
    case upsertObject
    case deleteObject
    case readRevision
    case bumpRevision

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
        }
    }
}
