import Glibc
import PolicyCore
import Testing

@testable import PolicyStore

/// The PostgreSQL server the PostgreSQL variants of the tests use, from `NETPOLD_TEST_POSTGRES`
/// (CI sets it). To run them here:
///
///     export NETPOLD_TEST_POSTGRES=$(scripts/postgres.sh start /tmp/netpold-pg 55432)
///
/// Without it, each PostgreSQL variant is cancelled (reported as skipped, with that hint; for a
/// parameterized test also as a warning, the only way its cases' cancellation shows): not run,
/// and not counted as passed.
let testPostgresURL: String? = getenv("NETPOLD_TEST_POSTGRES").map { String(cString: $0) }.flatMap {
    $0.isEmpty ? nil : $0
}

/// A fresh, empty store of one engine for one test: a SQLite file in a temporary folder, or a
/// database of its own on the test server (so tests run in parallel without seeing each other).
struct TestStore: Sendable {
    let engine: StoreEngine
    /// The SQLite file's path, or the PostgreSQL database's URL.
    let location: String

    /// The project's migrations for this engine.
    var migrations: [Migration] {
        get throws { try Migration.load(from: engine.migrationsDirectory(in: migrationsDirectory)) }
    }

    /// A repository on this store (another one each call: for PostgreSQL, another replica).
    func open(migrations: [Migration]? = nil) throws -> PolicyRepository {
        let migrations = try migrations ?? self.migrations
        return switch engine {
        case .sqlite: try PolicyRepository(path: location, migrations: migrations)
        case .postgres: try PolicyRepository(postgres: location, migrations: migrations)
        }
    }
}

/// Runs `body` on a fresh store of `engine`, removed afterwards. For PostgreSQL without
/// `NETPOLD_TEST_POSTGRES`, cancels the test case (reported as skipped, with how to enable it).
func withTestStore<T>(_ engine: StoreEngine, _ body: (TestStore) throws -> T) throws -> T {
    switch engine {
    case .sqlite:
        return try withTemporaryDatabase { path in try body(TestStore(engine: .sqlite, location: path)) }
    case .postgres:
        return try withTestDatabase { url in try body(TestStore(engine: .postgres, location: url)) }
    }
}

/// Runs `body` with the URL of a new, empty database on the test server, dropped afterwards.
func withTestDatabase<T>(_ body: (String) throws -> T) throws -> T {
    guard let server = testPostgresURL else {
        let reason: Comment =
            "PostgreSQL variant not run: set NETPOLD_TEST_POSTGRES=postgres://USER@HOST:PORT/DB (scripts/postgres.sh start DIR PORT prints one)"
        // A cancelled case of a parameterized test is not shown on its own: the warning is.
        if Test.Case.current?.isParameterized == true { Issue.record(reason, severity: .warning) }
        try Test.cancel(reason)
    }
    let name = "t_" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
    let maintenance = try PostgresConnection(url: server)
    try maintenance.execute("CREATE DATABASE \(name)")
    defer { try? maintenance.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
    return try body(replacingDatabase(of: server, with: name))
}

/// `url` naming database `name` instead: `postgres://user@host:port/db?x=y` → `.../name?x=y`.
func replacingDatabase(of url: String, with name: String) -> String {
    let schemeEnd: String.Index = url.firstRange(of: "://")?.upperBound ?? url.startIndex
    let queryStart: String.Index = url[schemeEnd...].firstIndex(of: "?") ?? url.endIndex
    let pathStart: String.Index = url[schemeEnd..<queryStart].firstIndex(of: "/") ?? queryStart
    let server = String(url[..<pathStart])
    let query = String(url[queryStart...])
    return server + "/" + name + query
}

/// Runs SQL on a test database directly (what a test checks behind the repository's back).
func withConnection<T>(to url: String, _ body: (borrowing PostgresConnection) throws -> T) throws -> T {
    let connection = try PostgresConnection(url: url)
    return try body(connection)
}

/// A port on 127.0.0.1 where nothing listens (bound, then released).
func closedPort() -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
            _ = bind(fd, raw, length)
            _ = getsockname(fd, raw, &length)
        }
    }
    return UInt16(bigEndian: address.sin_port)
}
