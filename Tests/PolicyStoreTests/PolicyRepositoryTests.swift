import Glibc
import PolicyCore
import PolicyStore
import Testing

/// The repository's real migrations, found from this file's path.
let migrationsDirectory: String = {
    var path = #filePath
    for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
    return path + "/migrations"
}()

/// A fresh database file in a temporary folder, removed afterwards.
func withTemporaryDatabase<T>(_ body: (String) throws -> T) throws -> T {
    var template = Array("/tmp/netpold-test-XXXXXX".utf8CString)
    let dir = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    defer {
        for suffix in ["", "-wal", "-shm"] { unlink(dir + "/test.db" + suffix) }
        rmdir(dir)
    }
    return try body(dir + "/test.db")
}

func namespaceObject(_ name: String, labels: [String: String] = [:]) throws -> DecodedObject {
    try ObjectDecoder.decode(
        .object([
            "apiVersion": .string("v1"), "kind": .string("Namespace"),
            "metadata": .object(["name": .string(name), "labels": .stringMap(labels)]),
        ]))
}

/// The store's contract, checked on each engine (PostgreSQL: see `testPostgresURL`).
@Suite struct PolicyRepositoryTests {
    @Test(arguments: StoreEngine.allCases)
    func appliesEveryMigrationInOrderAndRecordsThem(engine: StoreEngine) throws {
        try withTestStore(engine) { store in
            let repository = try store.open()
            #expect(repository.engine == engine)
            #expect(repository.schemaVersions == ["0001_create_objects", "0002_index_resource_version"])
            #expect(try repository.revision() == 0)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func aStoreIsOpenedByItsLocationWithItsEnginesMigrations(engine: StoreEngine) throws {
        try withTestStore(engine) { store in
            #expect(StoreEngine(store: store.location) == engine)
            let repository = try PolicyRepository(store: store.location, migrationsDirectory: migrationsDirectory)
            #expect(repository.engine == engine)
            #expect(repository.schemaVersions == (try store.migrations.map(\.version)))
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func aDatabaseCreatedAtMigrationOneUpgradesAndKeepsItsData(engine: StoreEngine) throws {
        try withTestStore(engine) { store in
            let all = try store.migrations
            do {
                let old = try store.open(migrations: [all[0]])
                #expect(old.schemaVersions == ["0001_create_objects"])
                let namespace = try namespaceObject("legacy")
                _ = try old.write { transaction in try transaction.put(namespace.key, body: namespace.body, existing: nil) }
                old.close()
            }
            let upgraded = try store.open()
            #expect(upgraded.schemaVersions == all.map(\.version))
            #expect(try upgraded.get(ObjectKey(kind: .namespace, namespace: "", name: "legacy")) != nil)
        }
    }

    /// Within one transaction reads see its own writes, however they are batched: a read of an
    /// object put moments before, the keys of a namespace, a second put of one key, a delete after
    /// a put, and more puts than one batch holds.
    @Test(arguments: StoreEngine.allCases)
    func aTransactionReadsItsOwnWritesHoweverTheyAreBatched(engine: StoreEngine) throws {
        try withTestStore(engine) { store in
            let repository = try store.open()
            let names = (0..<250).map { "n\($0)" }
            let (revision, _) = try repository.write { transaction in
                try transaction.prefetch(names.map { ObjectKey(kind: .namespace, namespace: "", name: $0) })
                for name in names {
                    let object = try namespaceObject(name)
                    #expect(try transaction.get(object.key) == nil)
                    try transaction.put(object.key, body: object.body, existing: nil)
                    #expect(try transaction.get(object.key)?.key == object.key)
                }
                let relabelled = try namespaceObject("n7", labels: ["team": "x"])
                try transaction.put(relabelled.key, body: relabelled.body, existing: try transaction.get(relabelled.key))
                let again = try namespaceObject("n7", labels: ["team": "y"])
                try transaction.put(again.key, body: again.body, existing: try transaction.get(again.key))
                #expect(try transaction.get(again.key)?.body["metadata"]?["labels"]?["team"] == .string("y"))
                #expect(try transaction.delete(try namespaceObject("n9").key))
                #expect(try transaction.get(try namespaceObject("n9").key) == nil)
                #expect(try transaction.allKeys().count == 249)
            }
            #expect(revision == 1)
            #expect(try repository.counts()[.namespace] == 249)
            #expect(
                try repository.get(ObjectKey(kind: .namespace, namespace: "", name: "n7"))?.body["metadata"]?["labels"]?["team"]
                    == .string("y"))
            #expect(try repository.get(ObjectKey(kind: .namespace, namespace: "", name: "n9")) == nil)
            #expect(try repository.get(ObjectKey(kind: .namespace, namespace: "", name: "n249"))?.resourceVersion == 1)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func aDatabaseFromANewerVersionIsRefused(engine: StoreEngine) throws {
        try withTestStore(engine) { store in
            let all = try store.migrations
            let newer = all + [Migration(version: "9999_future", sql: "CREATE TABLE future (x INTEGER)")]
            try store.open(migrations: newer).close()
            let error = try #require(throws: StoreError.self) { try store.open(migrations: all) }
            #expect(error.description.contains("migrated by a newer netpold"))
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func eachWriteTransactionBumpsTheRevisionOnceAndKeepsUidAndCreationTime(engine: StoreEngine) throws {
        try withTestStore(engine) { store in
            let repository = try store.open()
            let first = try namespaceObject("a")
            let (revision1, record1) = try repository.write { transaction in
                let record = try transaction.put(first.key, body: first.body, existing: nil)
                try transaction.put(try namespaceObject("b").key, body: try namespaceObject("b").body, existing: nil)
                return record
            }
            #expect(revision1 == 1)
            #expect(record1.body["metadata"]?["resourceVersion"] == .string("1"))
            let updated = try namespaceObject("a", labels: ["team": "x"])
            let (revision2, record2) = try repository.write { transaction in
                try transaction.put(updated.key, body: updated.body, existing: try transaction.get(updated.key))
            }
            #expect(revision2 == 2)
            #expect(record2.uid == record1.uid)
            #expect(record2.creationTimestamp == record1.creationTimestamp)
            #expect(try repository.get(updated.key)?.resourceVersion == 2)
            #expect(try repository.get(ObjectKey(kind: .namespace, namespace: "", name: "b"))?.resourceVersion == 1)
            #expect(try repository.counts() == [.namespace: 2])
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func aTransactionThatThrowsLeavesNothingBehind(engine: StoreEngine) throws {
        struct Boom: Error {}
        try withTestStore(engine) { store in
            let repository = try store.open()
            let namespace = try namespaceObject("a")
            #expect(throws: Boom.self) {
                _ = try repository.write { transaction in
                    try transaction.put(namespace.key, body: namespace.body, existing: nil)
                    throw Boom()
                }
            }
            #expect(try repository.get(namespace.key) == nil)
            #expect(try repository.revision() == 0)
            #expect(try repository.changes(after: 0)?.writes.isEmpty == true)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func aDryRunChecksButKeepsNothing(engine: StoreEngine) throws {
        try withTestStore(engine) { store in
            let repository = try store.open()
            let namespace = try namespaceObject("a")
            let (revision, _) = try repository.write(dryRun: true) { transaction in
                try transaction.put(namespace.key, body: namespace.body, existing: nil)
            }
            #expect(revision == 0)
            #expect(try repository.get(namespace.key) == nil)
            // Not in the change log either.
            let changes = try #require(try repository.changes(after: 0))
            #expect(changes.revision == 0)
            #expect(changes.writes.isEmpty)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func objectsSurviveARestartWhole(engine: StoreEngine) throws {
        try withTestStore(engine) { store in
            let pod = try ObjectDecoder.decode(
                try JSONParser.parse(
                    #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"x"},"spec":{"containers":[{"name":"c","image":"nginx:1.25"}]}}"#
                ))
            do {
                let repository = try store.open()
                _ = try repository.write { transaction in try transaction.put(pod.key, body: pod.body, existing: nil) }
                repository.close()
            }
            let reopened = try store.open()
            let (revision, records) = try reopened.loadAll()
            #expect(revision == 1)
            #expect(records.count == 1)
            #expect(records[0].body["spec"]?["containers"]?.arrayValue?[0]["image"] == .string("nginx:1.25"))
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func listsArePagedInNamespaceThenNameOrderByteByByte(engine: StoreEngine) throws {
        try withTestStore(engine) { store in
            let repository = try store.open()
            _ = try repository.write { transaction in
                for name in ["c", "a0", "a", "b", "a-b"] {
                    let namespace = try namespaceObject(name)
                    try transaction.put(namespace.key, body: namespace.body, existing: nil)
                }
            }
            #expect(try repository.list(.namespace).records.map(\.key.name) == ["a", "a-b", "a0", "b", "c"])
            #expect(try repository.list(.namespace, after: ("", "a0")).records.map(\.key.name) == ["b", "c"])
            #expect(try repository.list(.namespace).revision == 1)
        }
    }
}
