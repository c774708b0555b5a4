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
            abstract: "Run the HTTP service on an embedded SQLite database, or as one replica over PostgreSQL.",
            discussion: """
                Examples:
                  netpold serve                              # ./netpold.db on 127.0.0.1:8080
                  netpold serve --db /var/lib/netpold.db --port 0
                  PGPASSWORD=... netpold serve --store postgres://netpold@db.internal:5432/netpold
                """)

        @Option(help: "The SQLite database file (created on first start), when --store is not given.")
        var db: String = "./netpold.db"

        @Option(
            help:
                "A PostgreSQL database that replicas share, postgres://USER@HOST:PORT/DB (or set NETPOLD_STORE). The password comes from PGPASSWORD or ~/.pgpass, as for psql."
        )
        var store: String?

        @Option(help: "The address to listen on.")
        var host: String = "127.0.0.1"

        @Option(help: "The port to listen on; 0 lets the kernel choose.")
        var port: UInt16 = 8080

        @Option(help: "The folder of NNNN_name.sql migrations (default: ./migrations, or next to the binary).")
        var migrations: String?

        @Option(help: "The largest request body accepted, in bytes.")
        var maxBodyBytes: Int = 64 << 20

        @Option(
            help: "Worker threads (default: twice the cores, at least 4, so writes waiting on fsync do not hold up decisions).")
        var threads: Int?

        @Option(help: "The least severe messages logged; info logs one line per request.")
        var logLevel: LogLevel = .info

        @Option(help: "json writes one JSON object per line, for log shippers.")
        var logFormat: LogFormat = .text

        @Option(help: "Append one JSON line per decision (the audit trail) to this file.")
        var decisionLog: String?

        @Option(help: "The OpenAPI document served at /openapi.yaml (default: ./openapi.yaml, or next to the binary).")
        var openapi: String?

        @Option(help: "A file holding the bearer token every write needs (or set NETPOLD_ADMIN_TOKEN).")
        var adminTokenFile: String?

        @Option(help: "A file holding the bearer token reads and decisions need (or set NETPOLD_READ_TOKEN).")
        var readTokenFile: String?

        @Option(help: "PEM certificate: with --tls-key, serve HTTPS only.")
        var tlsCert: String?

        @Option(help: "PEM private key for --tls-cert.")
        var tlsKey: String?

        @Option(help: "Concurrent connections before new ones are refused.")
        var connectionLimit: Int = 1024

        @Option(help: "Seconds a connection may stay idle or dribble a request before it is closed.")
        var connectionTimeout: Int = 30

        @Option(help: "On SIGTERM or SIGINT, seconds to let requests in flight finish before closing.")
        var shutdownGrace: Double = 10

        @Option(help: "Imports, exports and connectivity answers that run at once; more wait in line.")
        var maxConcurrentImports: Int = 1

        @Option(help: "Seconds an import, export or connectivity answer waits in line before it is refused with 429.")
        var importQueueTimeout: Double = 30

        @Option(help: "Connections (pairs) a connectivity answer may list; above it the question must be narrowed (422).")
        var maxConnections: Int = 1_000_000

        @Option(
            help:
                "Watches (GET ...?watch=true) open at once; more are refused with 429. Each holds a connection: keep it well below --connection-limit."
        )
        var maxWatches: Int = 500

        @Option(help: "Changes kept for watches; a watch from an older resourceVersion gets 410 Expired.")
        var watchHistory: Int = 10_000

        @Option(
            help:
                "Seconds a request with minRevision (or X-Netpold-Min-Revision) waits for this replica to reach that revision before 504."
        )
        var minRevisionWait: Double = 2

        /// `--log-level`: swift-log's levels, by name.
        enum LogLevel: String, ExpressibleByArgument, CaseIterable {
            case trace, debug, info, notice, warning, error, critical

            var level: Logger.Level {
                switch self {
                case .trace: .trace
                case .debug: .debug
                case .info: .info
                case .notice: .notice
                case .warning: .warning
                case .error: .error
                case .critical: .critical
                }
            }
        }

        /// `--log-format`: swift-log's text lines, or ``JSONLogHandler``'s.
        enum LogFormat: String, ExpressibleByArgument, CaseIterable {
            case text, json
        }

        func run() throws {
            let level = logLevel.level
            let json = logFormat == .json
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

            try StartupCheck.ensureListenable(host: host, port: port)
            let shared = try StoreOption.resolve(store)
            // A start that fails after this point removes the files it created, as if it never ran.
            let newFiles = StartupCheck.NewFiles(database: shared == nil ? db : nil, decisionLog: decisionLog)
            var started = false
            defer { if !started { newFiles.remove() } }
            let migrationsFolder = MigrationsLocator.find(migrations)
            let repository =
                if let shared {
                    try PolicyRepository(store: shared, migrationsDirectory: migrationsFolder)
                } else {
                    try PolicyRepository(path: db, migrations: try Migration.load(from: migrationsFolder))
                }
            let storeName = shared.map(StoreOption.redacted) ?? db
            defer { if !started { repository.close() } }
            guard maxWatches >= 0, watchHistory >= 1 else {
                throw ValidationError("--max-watches must not be negative and --watch-history must be at least 1")
            }
            let service = try PolicyService(repository: repository, watchHistory: watchHistory)
            var options = RouterOptions()
            options.accessControl = AccessControl(
                adminToken: try Secret.load(file: adminTokenFile, environment: "NETPOLD_ADMIN_TOKEN"),
                readToken: try Secret.load(file: readTokenFile, environment: "NETPOLD_READ_TOKEN"))
            if options.accessControl.adminToken == nil, !["127.0.0.1", "::1", "localhost"].contains(host) {
                logger.warning(
                    "listening on \(host) without an admin token: anyone who can reach it can change policies (use --admin-token-file)"
                )
            }
            if let decisionLog { options.decisionRecorder = try FileDecisionRecorder(path: decisionLog) }
            options.openAPI = FileLocator.read(openapi, fallback: "openapi.yaml")
            guard maxConcurrentImports >= 1 else { throw ValidationError("--max-concurrent-imports must be at least 1") }
            guard importQueueTimeout >= 0 else { throw ValidationError("--import-queue-timeout must not be negative") }
            guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1") }
            options.maxConnections = maxConnections
            guard minRevisionWait >= 0 else { throw ValidationError("--min-revision-wait must not be negative") }
            options.minRevisionWait = .milliseconds(Int(minRevisionWait * 1000))
            options.watch.maxWatches = maxWatches
            if maxWatches > connectionLimit / 2 {
                logger.warning(
                    "--max-watches \(maxWatches) is more than half of --connection-limit \(connectionLimit): open watches could leave too few connections for other requests"
                )
            }
            options.heavyWork = HeavyWorkGate(
                limit: maxConcurrentImports, timeout: .milliseconds(Int(importQueueTimeout * 1000)), lowersPriority: true)
            var apiLogger = Logger(label: "netpold.api")
            apiLogger.logLevel = level
            let router = Router(service: service, version: Netpold.version, options: options, logger: apiLogger)
            var configuration = HTTPServerConfiguration()
            configuration.host = host
            configuration.port = port
            configuration.maxBodyBytes = maxBodyBytes
            configuration.connectionLimit = connectionLimit
            configuration.connectionTimeoutSeconds = connectionTimeout
            if let threads { configuration.threads = threads }
            configuration.responses = Router.serverResponses
            let httpLogger = Logger(label: "netpold.http")
            configuration.errorLog = { message in
                // Clients that hang up or stall are routine on a busy server; anything else is not.
                // (A watch's client that goes away meets "no longer available for sending".)
                let routine = [
                    "closed by remote", "incomplete request", "timed out", "TLS handshake", "Error receiving",
                    "no longer available for sending", "forcibly closed by remote peer",
                ]
                if routine.contains(where: message.contains) {
                    httpLogger.debug("\(message)")
                } else {
                    httpLogger.warning("\(message)")
                }
            }
            switch (tlsCert, tlsKey) {
            case (let cert?, let key?):
                guard let certificate = try? TextFiles.read(cert), let keyText = try? TextFiles.read(key) else {
                    throw ValidationError("cannot read --tls-cert \(cert) or --tls-key \(key)")
                }
                configuration.tlsCertificatePEM = certificate
                configuration.tlsKeyPEM = keyText
            case (nil, nil): break
            default: throw ValidationError("--tls-cert and --tls-key go together")
            }
            let server = try HTTPServer(
                configuration: configuration, lane: { router.lane(for: $0) }, handler: { request in router.handle(request) })
            started = true
            if repository.engine == .postgres { service.startFollowing(logger: logger) }
            print(
                "netpold \(Netpold.version) listening on \(server.url) (database \(storeName), revision \(service.current.revision))"
            )
            fflush(nil)
            logger.info("ready", metadata: ["url": "\(server.url)", "db": "\(storeName)"])

            var received: Int32 = 0
            sigwait(&signals, &received)
            logger.info("stopping on signal \(received): finishing requests in flight")
            server.stop(graceSeconds: shutdownGrace)
            service.stopFollowing()
            let unfinished = server.unfinishedBackgroundWork
            guard unfinished == 0 else {
                // Closing the database under a running transaction would be worse than leaving it to
                // SQLite's recovery: what did not commit is rolled back on the next start.
                logger.warning(
                    "stopped with \(unfinished) request(s) still running after --shutdown-grace; exiting without closing the database"
                )
                return
            }
            repository.close()
            logger.info("stopped; database closed")
        }
    }
}
