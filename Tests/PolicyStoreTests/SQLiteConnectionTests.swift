import PolicyCore
import Testing

@testable import PolicyStore

@Suite struct SQLiteConnectionTests {
    struct Boom: Error {}

    func migratedConnection() throws -> SQLiteConnection {
        var connection = try SQLiteConnection(path: ":memory:")
        _ = try Migrator.migrate(connection, migrations: try Migration.load(from: migrationsDirectory))
        try connection.prepareCachedStatements()
        return connection
    }

    @Test func aValueSQLiteRefusesToBindNamesItsParameter() throws {
        let connection = try SQLiteConnection(path: ":memory:")
        let error = try #require(throws: SQLiteError.self) {
            try connection.query("SELECT ?", [.integer(1), .text("one too many")])
        }
        #expect(error.parameter == 2)
        #expect(error.code == 25)  // SQLITE_RANGE
        #expect(error.sql == "SELECT ?")
        #expect(error.description.contains("binding parameter 2"))
    }

    @Test func aCachedStatementIsResetAfterItsRowCallbackThrows() throws {
        let connection = try migratedConnection()
        try connection.query(.bumpRevision, [.integer(7)])
        #expect(throws: Boom.self) { try connection.query(.readRevision) { _ in throw Boom() } }
        var revision: Int64?
        try connection.query(.readRevision) { revision = $0.integer(0) }
        #expect(revision == 7)
    }

    @Test func aCachedStatementIsResetAfterABindFails() throws {
        let connection = try migratedConnection()
        #expect(throws: SQLiteError.self) { try connection.query(.bumpRevision, [.integer(3), .integer(4)]) }
        try connection.query(.bumpRevision, [.integer(5)])
        var revision: Int64?
        try connection.query(.readRevision) { revision = $0.integer(0) }
        #expect(revision == 5)
    }

    @Test func aClosedRepositoryRefusesFurtherCalls() throws {
        let repository = try PolicyRepository(path: ":memory:", migrations: try Migration.load(from: migrationsDirectory))
        _ = try repository.write { transaction in
            try transaction.put(try namespaceObject("a").key, body: try namespaceObject("a").body, existing: nil)
        }
        repository.close()
        #expect(throws: SQLiteError.self) { try repository.revision() }
        #expect(throws: SQLiteError.self) { try repository.get(ObjectKey(kind: .namespace, namespace: "", name: "a")) }
        #expect(throws: SQLiteError.self) { _ = try repository.write { _ in } }
    }
}
