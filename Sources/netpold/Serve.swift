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

        @Option(help: "Log level: trace, debug, info (one line per request), notice, warning, error, critical.")
        var logLevel: String = "info"

        @Option(help: "text, or json for one JSON object per line.")
        var logFormat: String = "text"

        @Option(help: "Append one JSON line per decision (the audit trail) to this file.")
        var decisionLog: String?

        @Option(help: "The OpenAPI document served at /openapi.yaml (default: ./openapi.yaml, or next to the binary).")
        var openapi: String?

        func run() throws {
            guard let level = Logger.Level(rawValue: logLevel) else {
                throw ValidationError("--log-level \(logLevel): use trace, debug, info, notice, warning, error or critical")
            }
            guard logFormat == "text" || logFormat == "json" else { throw ValidationError("--log-format must be text or json") }
            let json = logFormat == "json"
            LoggingSystem.bootstrap { label in
                if json { return JSONLogHandler(label: label, logLevel: level) }
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
            var options = RouterOptions()
            if let decisionLog { options.decisionRecorder = try FileDecisionRecorder(path: decisionLog) }
            options.openAPI = FileLocator.read(openapi, fallback: "openapi.yaml")
            var apiLogger = Logger(label: "netpold.api")
            apiLogger.logLevel = level
            let router = Router(service: service, version: Netpold.version, options: options, logger: apiLogger)
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
        return FileLocator.candidates("migrations").first { FileLocator.exists($0, directory: true) } ?? "./migrations"
    }
}

/// Finds files shipped beside the binary: in the working folder, or in a parent of the binary's folder.
enum FileLocator {
    static func candidates(_ name: String) -> [String] {
        var candidates = ["./" + name]
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if count > 0 {
            let exe = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            var dir = String(exe[..<(exe.lastIndex(of: "/") ?? exe.endIndex)])
            for _ in 0..<5 {
                candidates.append(dir + "/" + name)
                guard let slash = dir.lastIndex(of: "/") else { break }
                dir = String(dir[..<slash])
            }
        }
        return candidates
    }

    static func exists(_ path: String, directory: Bool) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && ((info.st_mode & S_IFMT) == S_IFDIR) == directory
    }

    /// The text of the named file (explicit path, else the first candidate that exists), or nil.
    static func read(_ explicit: String?, fallback name: String) -> String? {
        guard let path = explicit ?? candidates(name).first(where: { exists($0, directory: false) }) else { return nil }
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
