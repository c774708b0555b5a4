import Glibc

/// One schema migration: a numbered SQL file.
public struct Migration: Sendable, Hashable {
    /// The file name without `.sql`, e.g. `0001_create_objects`.
    public let version: String
    public let sql: String

    public init(version: String, sql: String) {
        self.version = version
        self.sql = sql
    }

    /// Reads `NNNN_name.sql` files from a folder, sorted by name.
    public static func load(from directory: String) throws(StoreError) -> [Migration] {
        guard let dir = opendir(directory) else {
            throw StoreError("cannot read migrations folder \(directory): \(String(cString: strerror(errno)))")
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name.hasSuffix(".sql"), name.first?.isNumber == true { names.append(name) }
        }
        var migrations: [Migration] = []
        for name in names.sorted() {
            let path = directory + "/" + name
            guard let file = fopen(path, "rb") else { throw StoreError("cannot read \(path)") }
            defer { fclose(file) }
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = fread(&buffer, 1, buffer.count, file)
                if count == 0 { break }
                bytes.append(contentsOf: buffer[0..<count])
            }
            migrations.append(Migration(version: String(name.dropLast(4)), sql: String(decoding: bytes, as: UTF8.self)))
        }
        if migrations.isEmpty { throw StoreError("no migrations (NNNN_name.sql) found in \(directory)") }
        return migrations
    }
}

/// Applies migrations in order, each in its own transaction, recording them in `schema_migrations`.
enum Migrator {
    static func appliedVersions(_ connection: SQLiteConnection) throws -> [String] {
        try connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        var versions: [String] = []
        try connection.query("SELECT version FROM schema_migrations ORDER BY version") { versions.append($0.text(0)) }
        return versions
    }

    /// Applies what is missing and returns the versions applied now.
    static func migrate(_ connection: SQLiteConnection, migrations: [Migration]) throws -> [String] {
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
                    [.text(migration.version), .text(Clock.rfc3339Now())])
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

/// Wall-clock helpers for timestamps and uids (kept here: PolicyCore has no clock).
enum Clock {
    static func rfc3339Now() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// A random (version 4) UUID.
    static func uuid() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
        return hex[0..<4].joined() + "-" + hex[4..<6].joined() + "-" + hex[6..<8].joined() + "-"
            + hex[8..<10].joined() + "-" + hex[10..<16].joined()
    }
}
