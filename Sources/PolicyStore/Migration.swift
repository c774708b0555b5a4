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
        let names: [String]
        do {
            names = try TextFiles.names(in: directory).filter { $0.hasSuffix(".sql") && $0.first?.isNumber == true }
        } catch {
            throw StoreError("cannot read migrations folder \(directory): \(error.reason)")
        }
        var migrations: [Migration] = []
        for name in names {
            let path = directory + "/" + name
            guard let sql = try? TextFiles.read(path) else { throw StoreError("cannot read \(path)") }
            migrations.append(Migration(version: String(name.dropLast(4)), sql: sql))
        }
        if migrations.isEmpty { throw StoreError("no migrations (NNNN_name.sql) found in \(directory)") }
        return migrations
    }
}
