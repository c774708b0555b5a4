/// Applies migrations in order, each in its own transaction, recording them in `schema_migrations`.
/// (On PostgreSQL, ``PolicyRepository`` holds an advisory lock around it, so that replicas starting
/// together migrate one after the other.)
enum Migrator {
    static func appliedVersions(_ connection: borrowing some SQLConnection & ~Copyable) throws -> [String] {
        try connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        var versions: [String] = []
        try connection.query("SELECT version FROM schema_migrations", []) { versions.append($0.text(0)) }
        // Sorted here rather than by ORDER BY, whose order would follow PostgreSQL's collation.
        return versions.sorted()
    }

    /// Applies what is missing and returns the versions applied now.
    static func migrate(_ connection: borrowing some SQLConnection & ~Copyable, migrations: [Migration]) throws -> [String] {
        let applied = try appliedVersions(connection)
        let known = Set(migrations.map(\.version))
        if let unknown = applied.first(where: { !known.contains($0) }) {
            throw StoreError(
                "the database was migrated by a newer netpold (it has migration \(unknown), which this version does not know); refusing to start"
            )
        }
        var newlyApplied: [String] = []
        for migration in migrations where !applied.contains(migration.version) {
            try connection.execute(connection.engine == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN")
            do {
                try connection.execute(migration.sql)
                try connection.query(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                    [.text(migration.version), .text(RFC3339.now())], row: { _ in })
                try connection.execute("COMMIT")
            } catch {
                try? connection.execute("ROLLBACK")
                throw StoreError("migration \(migration.version) failed: \(error)")
            }
            newlyApplied.append(migration.version)
        }
        return newlyApplied
    }
}
