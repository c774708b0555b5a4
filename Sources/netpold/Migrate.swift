import ArgumentParser
import PolicyStore

extension Netpold {
    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply pending migrations to a database and exit.",
            discussion: "Example:\n  netpold migrate --db ./netpold.db")

        @Option(help: "The SQLite database file.")
        var db: String = "./netpold.db"

        @Option(help: "The folder of NNNN_name.sql migrations.")
        var migrations: String?

        func run() throws {
            let list = try Migration.load(from: MigrationsLocator.find(migrations))
            let repository = try PolicyRepository(path: db, migrations: list)
            print(
                "\(db): schema at \(repository.schemaVersions.last ?? "none") (\(repository.schemaVersions.count) migrations applied)"
            )
            repository.close()
        }
    }
}
