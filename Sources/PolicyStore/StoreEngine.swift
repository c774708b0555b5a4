/// The database engine behind a ``PolicyRepository``.
public enum StoreEngine: String, Sendable, CaseIterable {
    /// A file that one netpold process owns.
    case sqlite
    /// A database that several netpold replicas share.
    case postgres

    /// The engine a store location names: a `postgres://` or `postgresql://` URL is PostgreSQL,
    /// anything else a SQLite path (or `:memory:`).
    public init(store: String) {
        self = store.hasPrefix("postgres://") || store.hasPrefix("postgresql://") ? .postgres : .sqlite
    }

    /// Where this engine's migrations are in the project's migrations folder: the folder itself for
    /// SQLite, its `postgres` subfolder for PostgreSQL.
    public func migrationsDirectory(in directory: String) -> String {
        switch self {
        case .sqlite: directory
        case .postgres: directory + "/postgres"
        }
    }
}
