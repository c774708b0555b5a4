import ArgumentParser
import Glibc
import Logging
import MicroHTTP
import PolicyAPI
import PolicyCore
import PolicyStore

extension Netpold {
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the HTTP service on an embedded SQLite database.",
            discussion: """
                Examples:
                  netpold serve                              # ./netpold.db on 127.0.0.1:8080
                  netpold serve --db /var/lib/netpold.db --port 0
                """)

        @Option(help: "The SQLite database file (created on first start).")
        var db: String = "./netpold.db"

        @Option(help: "The address to listen on.")
        var host: String = "127.0.0.1"

        @Option(help: "The port to listen on; 0 lets the kernel choose.")
        var port: UInt16 = 8080

        @Option(help: "The folder of NNNN_name.sql migrations (default: ./migrations, or next to the binary).")
        var migrations: String?

        @Option(help: "The largest request body accepted, in bytes.")
        var maxBodyBytes: Int = 64 << 20

        @Option(help: "Worker threads (default: the number of cores, at least 2).")
        var threads: Int?

        @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
        var logLevel: String = "info"

        func run() throws {
            let level = Logger.Level(rawValue: logLevel) ?? .info
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            let logger = Logger(label: "netpold")
            // Block the stop signals before any thread starts, so every thread inherits the mask and
            // only sigwait below sees them.
            var signals = sigset_t()
            sigemptyset(&signals)
            sigaddset(&signals, SIGINT)
            sigaddset(&signals, SIGTERM)
            pthread_sigmask(SIG_BLOCK, &signals, nil)

            let migrationList = try Migration.load(from: MigrationsLocator.find(migrations))
            let repository = try PolicyRepository(path: db, migrations: migrationList)
            let service = try PolicyService(repository: repository)
            let router = Router(service: service, version: Netpold.version, logger: logger)
            var configuration = HTTPServerConfiguration()
            configuration.host = host
            configuration.port = port
            configuration.maxBodyBytes = maxBodyBytes
            if let threads { configuration.threads = threads }
            let server = try HTTPServer(configuration: configuration) { request in router.handle(request) }
            print("netpold \(Netpold.version) listening on \(server.url) (database \(db), revision \(service.current.revision))")
            fflush(nil)
            logger.info("ready", metadata: ["url": "\(server.url)", "db": "\(db)"])

            var received: Int32 = 0
            sigwait(&signals, &received)
            logger.info("stopping on signal \(received)")
            server.stop()
            repository.close()
        }
    }

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
            print("\(db): schema at \(repository.schemaVersions.last ?? "none") (\(repository.schemaVersions.count) migrations applied)")
            repository.close()
        }
    }
}

/// Finds the migrations folder: the flag, `./migrations`, or beside the binary (also from `.build/<config>/`).
enum MigrationsLocator {
    static func find(_ explicit: String?) -> String {
        if let explicit { return explicit }
        var candidates = ["./migrations"]
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if count > 0 {
            let exe = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            var dir = String(exe[..<(exe.lastIndex(of: "/") ?? exe.endIndex)])
            for _ in 0..<5 {
                candidates.append(dir + "/migrations")
                guard let slash = dir.lastIndex(of: "/") else { break }
                dir = String(dir[..<slash])
            }
        }
        var info = stat()
        return candidates.first { stat($0, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR } ?? "./migrations"
    }
}
