internal import CLibPQ
import Glibc

/// Owns one libpq connection (`PGconn*`) and the statements prepared on it.
///
/// Non-copyable and not `Sendable`, like ``SQLiteConnection``: libpq allows one thread at a time
/// per connection, and the only owners are ``PolicyRepository``'s `Mutex`es.
///
/// Every statement runs synchronously (`PQexec`, `PQexecParams`, `PQexecPrepared`), with text
/// parameters and text results. A failure that means the server is out of reach throws
/// ``StoreUnavailable``; any other a ``PostgresError``. A broken connection is made anew by
/// ``prepareForUse()``, which the repository calls before each operation.
struct PostgresConnection: ~Copyable, SQLConnection {
    private var handle: OpaquePointer?
    /// Whether the ``CachedStatement``s are prepared on the current session.
    private var prepared = false
    /// When the last attempt to reconnect failed, and why.
    private var lastFailedReconnect: ContinuousClock.Instant?
    private var lastFailure = ""

    /// How long one attempt to connect may take, unless the URL says otherwise (`?connect_timeout=`).
    static let connectTimeoutSeconds = 3

    /// Connects to `url` (`postgres://USER[:PASSWORD]@HOST:PORT/DB[?PARAM=VALUE...]`, as libpq
    /// reads it).
    /// - Throws: ``StoreUnavailable`` when no connection could be made.
    init(url: String) throws(StoreUnavailable) {
        // Earlier entries are defaults the URL (expanded from `dbname`, last) may override.
        let settings: [(String, String)] = [
            ("connect_timeout", String(Self.connectTimeoutSeconds)),
            ("client_encoding", "UTF8"),
            ("application_name", "netpold"),
            // A server that vanished without closing the connection (a LISTEN waits on it) is
            // noticed within about a minute instead of the system's two hours.
            ("keepalives", "1"),
            ("keepalives_idle", "30"),
            ("keepalives_interval", "10"),
            ("keepalives_count", "3"),
            // A server that stops acknowledging what is sent (a partition, not a reset) fails the
            // statement after 10 s instead of the kernel's quarter of an hour of retransmissions.
            ("tcp_user_timeout", "10000"),
            // Nothing waits forever inside the store: a write queued behind another replica's
            // transaction for 10 s gives up (503), a statement is cancelled after 60 s (a load of
            // every object included), and a session that holds a transaction open doing nothing
            // for 30 s (a replica paused or hung mid-write) is ended, releasing the revision row.
            ("options", "-c lock_timeout=10s -c statement_timeout=60s -c idle_in_transaction_session_timeout=30s"),
            ("dbname", url),
        ]
        let connection = Self.withCStrings(settings.map(\.0)) { keywords in
            Self.withCStrings(settings.map(\.1)) { values in PQconnectdbParams(keywords, values, 1) }
        }
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            let reason = connection.map { Self.errorMessage($0) } ?? "out of memory"
            PQfinish(connection)
            throw StoreUnavailable(reason: "cannot connect to PostgreSQL: \(reason)")
        }
        // Without this, libpq prints every NOTICE (e.g. "relation ... already exists, skipping") to stderr.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        handle = connection
    }

    deinit { PQfinish(handle) }

    var engine: StoreEngine { .postgres }

    /// Closes the connection; later calls throw ``PostgresError``.
    mutating func close() {
        PQfinish(handle)
        handle = nil
        prepared = false
    }

    /// The libpq socket, for `poll` (-1 when there is no connection).
    var socket: Int32 { handle.map { PQsocket($0) } ?? -1 }

    /// Whether the connection is open and was fine when last used.
    var isHealthy: Bool { handle.map { PQstatus($0) == CONNECTION_OK } ?? false }

    /// Makes a broken connection anew (`PQreset`), rolls back what a failed operation left open,
    /// and prepares the ``CachedStatement``s where they are not.
    /// - Throws: ``StoreUnavailable`` when the server cannot be reached.
    mutating func prepareForUse() throws {
        let connection = try open()
        if PQstatus(connection) != CONNECTION_OK || PQtransactionStatus(connection) == PQTRANS_UNKNOWN {
            prepared = false
            // Within a second of a failed attempt, fail at once: callers queue on this connection's
            // lock, and each paying the connect timeout in turn would hold the last for many seconds.
            if let failed = lastFailedReconnect, failed.duration(to: .now) < .seconds(1) {
                throw StoreUnavailable(reason: "cannot reconnect to PostgreSQL: \(lastFailure)")
            }
            PQreset(connection)
            guard PQstatus(connection) == CONNECTION_OK else {
                lastFailedReconnect = .now
                lastFailure = Self.errorMessage(connection)
                throw StoreUnavailable(reason: "cannot reconnect to PostgreSQL: \(lastFailure)")
            }
            lastFailedReconnect = nil
        } else if PQtransactionStatus(connection) != PQTRANS_IDLE {
            // A transaction left open by an operation whose ROLLBACK failed.
            try execute("ROLLBACK")
        }
        if !prepared { try prepareStatements() }
    }

    /// Prepares every PostgreSQL ``CachedStatement`` on this session; call after migrations, when
    /// their tables exist.
    mutating func prepareStatements() throws {
        let connection = try open()
        // Whatever an earlier, interrupted attempt prepared would clash by name.
        try execute("DEALLOCATE ALL")
        for statement in CachedStatement.allCases where statement.isForPostgres {
            let sql = Self.numberingParameters(statement.sql)
            try check(PQprepare(connection, statement.preparedName, sql, 0, nil), sql: sql)
        }
        prepared = true
    }

    func execute(_ sql: String) throws {
        let connection = try open()
        try check(PQexec(connection, sql), sql: sql)
    }

    func query(
        _ sql: String, _ parameters: [DatabaseValue] = [], row: (borrowing DatabaseRow) throws -> Void = { _ in }
    ) throws {
        let connection = try open()
        let numbered = Self.numberingParameters(sql)
        let result = Self.withParameters(parameters) { values in
            PQexecParams(connection, numbered, Int32(values.count), nil, values, nil, nil, 0)
        }
        try check(result, sql: sql, row: row)
    }

    /// Runs a cached statement: the prepared one, or (before ``prepareStatements()``) its SQL.
    func query(
        _ statement: CachedStatement, _ parameters: [DatabaseValue] = [],
        row: (borrowing DatabaseRow) throws -> Void = { _ in }
    ) throws {
        guard prepared else { return try query(statement.sql, parameters, row: row) }
        let connection = try open()
        let result = Self.withParameters(parameters) { values in
            PQexecPrepared(connection, statement.preparedName, Int32(values.count), values, nil, nil, 0)
        }
        try check(result, sql: statement.sql, row: row)
    }

    /// Waits until a notification arrives (on a connection that LISTENs) or `deadline` passes.
    /// - Returns: the payloads that arrived together, in order (empty at the deadline).
    /// - Throws: ``StoreUnavailable`` when the connection is lost.
    func notifications(until deadline: ContinuousClock.Instant) throws -> [String] {
        let connection = try open()
        while true {
            guard PQconsumeInput(connection) == 1 else {
                throw StoreUnavailable(reason: "lost the connection to PostgreSQL: \(Self.errorMessage(connection))")
            }
            var payloads: [String] = []
            while let notification = PQnotifies(connection) {
                payloads.append(String(cString: notification.pointee.extra))
                PQfreemem(notification)
            }
            if !payloads.isEmpty { return payloads }
            let now = ContinuousClock.now
            if now >= deadline { return [] }
            let (seconds, attoseconds) = (deadline - now).components
            let milliseconds = min(seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000, 60_000)
            var descriptor = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
            guard descriptor.fd >= 0 else {
                throw StoreUnavailable(reason: "lost the connection to PostgreSQL: \(Self.errorMessage(connection))")
            }
            if poll(&descriptor, 1, Int32(milliseconds)) < 0 && errno != EINTR {
                throw StoreUnavailable(reason: "cannot wait for PostgreSQL: \(String(cString: strerror(errno)))")
            }
        }
    }

    private func open() throws(PostgresError) -> OpaquePointer {
        guard let handle else { throw PostgresError(sqlState: nil, message: "the connection is closed", sql: nil) }
        return handle
    }

    /// Reads a result (freeing it): its rows to `row`, or its failure thrown.
    private func check(
        _ result: OpaquePointer?, sql: String, row: (borrowing DatabaseRow) throws -> Void = { _ in }
    ) throws {
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        if status == PGRES_TUPLES_OK {
            for index in 0..<PQntuples(result) { try row(DatabaseRow(postgresResult: result, row: index)) }
            return
        }
        if status == PGRES_COMMAND_OK || status == PGRES_EMPTY_QUERY { return }
        let sqlState = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) }
        var message = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "M"))) }.map { String(cString: $0) }
        if message?.isEmpty ?? true { message = handle.map { Self.errorMessage($0) } }
        let reason = message ?? "unknown error"
        let connectionLost = handle.map { PQstatus($0) != CONNECTION_OK } ?? true
        if connectionLost || PostgresError.meansUnavailable(sqlState) {
            throw StoreUnavailable(reason: reason, sqlState: sqlState)
        }
        throw PostgresError(sqlState: sqlState, message: reason, sql: sql)
    }

    private static func errorMessage(_ connection: OpaquePointer) -> String {
        guard let text = PQerrorMessage(connection) else { return "unknown error" }
        var message = String(cString: text)
        while message.last?.isWhitespace == true { message.removeLast() }
        return message.isEmpty ? "unknown error" : message
    }

    /// `?` parameters numbered as PostgreSQL wants them (`$1`, `$2`, ...). Our SQL has no `?` in
    /// its literals or identifiers.
    static func numberingParameters(_ sql: String) -> String {
        guard sql.contains("?") else { return sql }
        var numbered = ""
        var count = 0
        for character in sql {
            if character == "?" {
                count += 1
                numbered += "$\(count)"
            } else {
                numbered.append(character)
            }
        }
        return numbered
    }

    /// Parameter values as the C strings libpq reads (NULL for SQL NULL), valid during `body`.
    private static func withParameters<R>(_ parameters: [DatabaseValue], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        let copies: [UnsafeMutablePointer<CChar>?] = parameters.map { parameter in
            switch parameter {
            case .integer(let value): strdup(String(value))
            case .text(let value): strdup(value)
            case .null: nil
            }
        }
        defer { for copy in copies { free(copy) } }
        return body(copies.map { $0.map { UnsafePointer($0) } })
    }

    /// A NULL-terminated array of C strings, valid during `body`.
    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        withParameters(strings.map { .text($0) }) { body($0 + [nil]) }
    }
}

extension CachedStatement {
    /// The name it is prepared under on a PostgreSQL session.
    var preparedName: String { "netpold_\(self)" }
}
