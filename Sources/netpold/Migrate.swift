import ArgumentParser
import PolicyStore

extension Netpold {
    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply pending migrations to a database and exit.",
            discussion:
                "Examples:\n  netpold migrate --db ./netpold.db\n  netpold migrate --store postgres://netpold@127.0.0.1:5432/netpold"
        )

        @Option(help: "The SQLite database file, when --store is not given.")
        var db: String = "./netpold.db"

        @Option(help: "A PostgreSQL database, postgres://USER@HOST:PORT/DB (or set NETPOLD_STORE).")
        var store: String?

        @Option(help: "The folder of NNNN_name.sql migrations.")
        var migrations: String?

        func run() throws {
            let folder = MigrationsLocator.find(migrations)
            let shared = try StoreOption.resolve(store)
            let repository =
                if let shared {
                    try PolicyRepository(store: shared, migrationsDirectory: folder)
                } else {
                    try PolicyRepository(path: db, migrations: try Migration.load(from: folder))
                }
            print(
                "\(shared.map(StoreOption.redacted) ?? db): schema at \(repository.schemaVersions.last ?? "none") (\(repository.schemaVersions.count) migrations applied)"
            )
            repository.close()
        }
    }
}
