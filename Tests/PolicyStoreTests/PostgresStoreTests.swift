import Dispatch
import PolicyCore
import Synchronization
import Testing

@testable import PolicyStore

/// Runs `body` on a thread of its own; ``result()`` waits for it to end.
final class Waiter<T: Sendable>: Sendable {
    private let outcome = Mutex<Result<T, any Error>?>(nil)
    private let group = DispatchGroup()

    init(_ body: @escaping @Sendable () throws -> T) {
        group.enter()
        DispatchQueue.global().async { [self] in
            let result = Result { try body() }
            outcome.withLock { $0 = result }
            group.leave()
        }
    }

    func result() throws -> T {
        group.wait()
        return try outcome.withLock { $0! }.get()
    }
}

/// PostgreSQL as several replicas share it: writers take turns across processes, migrations run
/// once, and an unreachable server is reported as such, quickly.
@Suite struct PostgresStoreTests {
    struct Conflict: Error {}

    @Test func racingReplicasCommitExactlyOneWritePerExpectedResourceVersion() throws {
        try withTestStore(.postgres) { store in
            let key = ObjectKey(kind: .namespace, namespace: "", name: "counter")
            @Sendable func body(_ count: Int) throws -> JSONValue {
                try namespaceObject("counter", labels: ["count": String(count)]).body
            }
            _ = try store.open().write { transaction in try transaction.put(key, body: try body(0), existing: nil) }
            let attempts = 25
            // Each replica, like a client with an If-Match: read, then write only if unchanged.
            let replicas = try (0..<2).map { _ in try store.open() }
            let waiters = replicas.map { replica in
                Waiter { () throws -> (committed: [Int64], conflicts: Int) in
                    var committed: [Int64] = []
                    var conflicts = 0
                    for _ in 0..<attempts {
                        guard let seen = try replica.get(key),
                            let count = Int(seen.body["metadata"]?["labels"]?["count"]?.stringValue ?? "")
                        else { throw Conflict() }
                        do {
                            _ = try replica.write { transaction in
                                let current = try transaction.get(key)
                                guard current?.resourceVersion == seen.resourceVersion else { throw Conflict() }
                                try transaction.put(key, body: try body(count + 1), existing: current)
                            }
                            committed.append(seen.resourceVersion)
                        } catch is Conflict {
                            conflicts += 1
                        }
                    }
                    return (committed, conflicts)
                }
            }
            let outcomes = try waiters.map { try $0.result() }
            let committed = outcomes.flatMap(\.committed)
            #expect(committed.count + outcomes.map(\.conflicts).reduce(0, +) == 2 * attempts)
            // No two commits on top of the same version, and none lost.
            #expect(Set(committed).count == committed.count)
            let final = try #require(try replicas[0].get(key))
            #expect(final.body["metadata"]?["labels"]?["count"]?.stringValue == String(committed.count))
            #expect(final.resourceVersion == Int64(1 + committed.count))
            #expect(try replicas[1].revision() == final.resourceVersion)
        }
    }

    @Test func replicasStartingTogetherMigrateOnce() throws {
        try withTestStore(.postgres) { store in
            let versions = try store.migrations.map(\.version)
            let waiters = (0..<3).map { _ in Waiter { try store.open().schemaVersions } }
            for waiter in waiters { #expect(try waiter.result() == versions) }
        }
    }

    @Test func aServerThatCannotBeReachedIsReportedUnavailableAtOnce() throws {
        let url = "postgres://postgres@127.0.0.1:\(closedPort())/netpold"
        #expect(StoreEngine(store: url) == .postgres)
        let error = try #require(throws: StoreUnavailable.self) {
            try PolicyRepository(store: url, migrationsDirectory: migrationsDirectory)
        }
        #expect(error.reason.contains("cannot connect"))
    }

    @Test func aLostConnectionIsReportedUnavailableThenMadeAnew() throws {
        try withTestStore(.postgres) { store in
            let repository = try store.open()
            #expect(try repository.waitForNotification(timeout: .seconds(10)) == 0)
            let a = try namespaceObject("a")
            _ = try repository.write { transaction in try transaction.put(a.key, body: a.body, existing: nil) }
            #expect(try repository.waitForNotification(timeout: .seconds(30)) == 1)
            // The server ends every session of the database (as a restart or a failover would).
            try withConnection(to: store.location) { admin in
                var ended = 0
                try admin.query(
                    "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
                    []
                ) { _ in ended += 1 }
                #expect(ended == 2)
            }
            #expect(throws: StoreUnavailable.self) { try repository.revision() }
            #expect(throws: StoreUnavailable.self) { try repository.waitForNotification(timeout: .seconds(10)) }
            // The next calls connect anew (the listener first reports where the store is).
            #expect(try repository.revision() == 1)
            #expect(try repository.waitForNotification(timeout: .seconds(10)) == 1)
            _ = try repository.write { transaction in try transaction.delete(a.key) }
            #expect(try repository.waitForNotification(timeout: .seconds(30)) == 2)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func aLargeImportIsOneTransaction(engine: StoreEngine) throws {
        try withTestStore(engine) { store in
            let repository = try store.open()
            let count = 10_000
            let bodies = (0..<count).map { podBody("p\($0)", namespace: "bulk", labels: ["app": "a\($0 % 50)"]) }
            let started = ContinuousClock.now
            let (revision, _) = try repository.write { transaction in
                for (index, body) in bodies.enumerated() {
                    let key = ObjectKey(kind: .pod, namespace: "bulk", name: "p\(index)")
                    try transaction.put(key, body: body, existing: try transaction.get(key))
                }
            }
            let elapsed = ContinuousClock.now - started
            print("\(engine) import of \(count) objects (get + put each, one transaction): \(elapsed)")
            #expect(revision == 1)
            #expect(try repository.counts() == [.pod: count])
            if engine == .postgres { #expect(try repository.changes(after: 0)?.writes.count == count) }
        }
    }
}
