import PolicyCore
import Testing

@testable import PolicyStore

/// What an ``ObjectWrite`` says, comparable.
struct WriteSummary: Equatable, CustomStringConvertible {
    let action: ObjectWrite.Action
    let key: ObjectKey
    let labels: [String: String]
    let json: [UInt8]
    let previousLabels: [String: String]?
    let previousJSON: [UInt8]?

    init(_ write: ObjectWrite) {
        action = write.action
        key = write.key
        labels = write.labels
        json = write.json
        previousLabels = write.previous?.labels
        previousJSON = write.previous?.json
    }

    var description: String { "\(action) \(key) \(labels)" + (previousLabels.map { " (was \($0))" } ?? "") }
}

func podBody(_ name: String, namespace: String, labels: [String: String]) -> JSONValue {
    .object([
        "apiVersion": "v1", "kind": "Pod",
        "metadata": .object(["name": .string(name), "namespace": .string(namespace), "labels": .stringMap(labels)]),
        "spec": .object(["containers": .array([.object(["name": "c", "image": "nginx:1.25"])])]),
    ])
}

/// The change log: every committed write, readable by any replica (PostgreSQL); on SQLite, which
/// one process owns, there is never anything to catch up on.
@Suite struct ChangeLogTests {
    @Test func theChangeLogHoldsWhatEachCommittedWriteDidAsTheWriteLogRecordedIt() throws {
        try withTestStore(.postgres) { store in
            let writer = try store.open()
            let team = try namespaceObject("team")
            let web = ObjectKey(kind: .pod, namespace: "team", name: "web")
            let db = ObjectKey(kind: .pod, namespace: "team", name: "db")
            var recorded: [(Int64, WriteLog)] = []
            // 1: two objects added.
            recorded.append(
                try writer.write { transaction in
                    transaction.recordWrites(upTo: 100)
                    try transaction.put(team.key, body: team.body, existing: nil)
                    try transaction.put(web, body: podBody("web", namespace: "team", labels: ["app": "web"]), existing: nil)
                    return transaction.log
                })
            // 2: one modified with new labels (the log keeps it as it was), one without.
            recorded.append(
                try writer.write { transaction in
                    transaction.recordWrites(upTo: 100)
                    let body = podBody("web", namespace: "team", labels: ["app": "api"])
                    try transaction.put(web, body: body, existing: try transaction.get(web))
                    var relabelled = team.body
                    relabelled["metadata"]?["annotations"] = .object(["note": "same labels"])
                    try transaction.put(team.key, body: relabelled, existing: try transaction.get(team.key))
                    return transaction.log
                })
            // 3: deleted.
            recorded.append(
                try writer.write { transaction in
                    transaction.recordWrites(upTo: 100)
                    try transaction.delete(web)
                    return transaction.log
                })
            // 4: added again elsewhere; 5: the namespace deleted with what is in it.
            recorded.append(
                try writer.write { transaction in
                    transaction.recordWrites(upTo: 100)
                    try transaction.put(db, body: podBody("db", namespace: "team", labels: [:]), existing: nil)
                    return transaction.log
                })
            recorded.append(
                try writer.write { transaction in
                    transaction.recordWrites(upTo: 100)
                    for key in try transaction.keys(inNamespace: "team") { try transaction.delete(key) }
                    try transaction.delete(team.key)
                    return transaction.log
                })

            // Another replica reads it all back.
            let reader = try store.open()
            let batch = try #require(try reader.changes(after: 0))
            #expect(batch.revision == 5)
            #expect(batch.writes.map(\.revision) == [1, 1, 2, 2, 3, 4, 5, 5])
            #expect(
                batch.writes.map(\.write.action) == [.added, .added, .modified, .modified, .deleted, .added, .deleted, .deleted])
            let expected = recorded.flatMap { revision, log in log.writes.map { (revision, WriteSummary($0)) } }
            #expect(batch.writes.map(\.revision) == expected.map(\.0))
            #expect(batch.writes.map { WriteSummary($0.write) } == expected.map(\.1))
            // The relabelled pod: the object before, stamped with the modifying revision.
            let relabel = batch.writes[2].write
            #expect(relabel.previous?.labels == ["app": "web"])
            #expect(try JSONParser.parse(relabel.previous?.json ?? [])["metadata"]?["resourceVersion"] == "2")
            #expect(batch.writes[3].write.previous == nil)
            // A delete carries the object as it was, stamped with the deleting revision.
            #expect(try JSONParser.parse(batch.writes[4].write.json)["metadata"]?["resourceVersion"] == "3")

            let later = try #require(try reader.changes(after: 3))
            #expect(later.writes.map(\.revision) == [4, 5, 5])
            #expect(try reader.changes(after: 5)?.writes.isEmpty == true)
            // Ahead of the store (it was reset?): nothing to apply; reload.
            #expect(try reader.changes(after: 6) == nil)
        }
    }

    @Test func aWriteTransactionCatchesUpOnOtherReplicasWritesButNotItsOwn() throws {
        try withTestStore(.postgres) { store in
            let first = try store.open()
            let second = try store.open()
            let a = try namespaceObject("a")
            let b = try namespaceObject("b")
            _ = try first.write { transaction in try transaction.put(a.key, body: a.body, existing: nil) }
            let (revision, (before, after)) = try second.write { transaction in
                let before = try transaction.changes(after: 0)
                try transaction.put(b.key, body: b.body, existing: nil)
                return (before, try transaction.changes(after: 0))
            }
            #expect(revision == 2)
            #expect(before?.revision == 1)
            #expect(before?.writes.map(\.write.key) == [a.key])
            #expect(after?.writes.map(\.write.key) == [a.key])
            #expect(try first.changes(after: 1)?.writes.map(\.write.key) == [b.key])
        }
    }

    @Test func theLogKeepsTheNewestRevisionsAndSaysWhenItNoLongerReachesBack() throws {
        try withTestStore(.postgres) { store in
            // Keeps 2 revisions, pruned on every write.
            let repository = try PolicyRepository(
                postgres: store.location, migrations: try store.migrations, changeLogRetention: 2, changeLogPruneInterval: 1)
            for name in ["a", "b", "c", "d", "e"] {
                let namespace = try namespaceObject(name)
                _ = try repository.write { transaction in try transaction.put(namespace.key, body: namespace.body, existing: nil)
                }
            }
            #expect(try repository.changes(after: 0) == nil)
            #expect(try repository.changes(after: 2) == nil)
            #expect(try repository.changes(after: 3)?.writes.map(\.write.key.name) == ["d", "e"])
            #expect(try repository.changes(after: 4)?.writes.map(\.write.key.name) == ["e"])
        }
    }

    @Test func onSQLiteThereIsNothingToCatchUpOn() throws {
        try withTestStore(.sqlite) { store in
            let repository = try store.open()
            let a = try namespaceObject("a")
            #expect(try repository.changes(after: 0)?.writes.isEmpty == true)
            _ = try repository.write { transaction in try transaction.put(a.key, body: a.body, existing: nil) }
            // Nobody else writes this file: a caller behind has missed its own writes; reload.
            #expect(try repository.changes(after: 0) == nil)
            #expect(try repository.changes(after: 1)?.revision == 1)
            let (_, inside) = try repository.write { transaction in
                (try transaction.changes(after: 1)?.writes.count, try transaction.changes(after: 0) == nil)
            }
            #expect(inside == (0, true))
        }
    }

    @Test func aCommitNotifiesEveryReplicaThatListensAndADryRunNobody() throws {
        try withTestStore(.postgres) { store in
            let writer = try store.open()
            let follower = try store.open()
            // The first call starts listening and reports where the store is.
            #expect(try follower.waitForNotification(timeout: .seconds(10)) == 0)
            let a = try namespaceObject("a")
            _ = try writer.write(dryRun: true) { transaction in try transaction.put(a.key, body: a.body, existing: nil) }
            _ = try writer.write { transaction in try transaction.put(a.key, body: a.body, existing: nil) }
            // Only the commit was notified.
            #expect(try follower.waitForNotification(timeout: .seconds(30)) == 1)
            #expect(try follower.waitForNotification(timeout: .milliseconds(100)) == nil)
        }
    }

    @Test func waitingForANotificationDoesNotHoldUpTheRepositorysOwnWrites() throws {
        try withTestStore(.postgres) { store in
            let repository = try store.open()
            #expect(try repository.waitForNotification(timeout: .seconds(10)) == 0)
            let waiter = Waiter { try repository.waitForNotification(timeout: .seconds(60)) }
            // Had the wait held the repository's lock, this write would wait for it to time out,
            // and the waiter get nil.
            let a = try namespaceObject("a")
            _ = try repository.write { transaction in try transaction.put(a.key, body: a.body, existing: nil) }
            #expect(try waiter.result() == 1)
        }
    }

    @Test func onSQLiteWaitingForANotificationSleepsAndReturnsNil() throws {
        try withTestStore(.sqlite) { store in
            let repository = try store.open()
            #expect(try repository.waitForNotification(timeout: .milliseconds(10)) == nil)
        }
    }
}
