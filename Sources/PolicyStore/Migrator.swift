/// Applies migrations in order, each in its own transaction, recording them in `schema_migrations`.
enum Migrator {
    static func appliedVersions(_ connection: borrowing SQLiteConnection) throws -> [String] {
        try connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        var versions: [String] = []
        try connection.query("SELECT version FROM schema_migrations ORDER BY version") { versions.append($0.text(0)) }
        return versions
    }

    /// Applies what is missing and returns the versions applied now.
    static func migrate(_ connection: borrowing SQLiteConnection, migrations: [Migration]) throws -> [String] {
        let applied = try appliedVersions(connection)
        let known = Set(migrations.map(\.version))
        if let unknown = applied.first(where: { !known.contains($0) }) {
            throw StoreError(
                "the database was migrated by a newer netpold (it has migration \(unknown), which this version does not know); refusing to start"
            )
        }
        var newlyApplied: [String] = []
        for migration in migrations where !applied.contains(migration.version) {
            try connection.execute("BEGIN IMMEDIATE")
            do {
                try connection.execute(migration.sql)
                try connection.query(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                    [.text(migration.version), .text(RFC3339.now())])
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
