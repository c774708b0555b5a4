import PolicyCore
import PolicyStore
import Testing

/// On each engine (PostgreSQL: see `testPostgresURL`).
@Suite struct WriteLogTests {

    /// A body whose text holds `resourceVersion` and `labels` in places other than `metadata`'s own.
    let tricky: JSONValue = .object([
        "apiVersion": "v1", "kind": "Pod",
        "metadata": .object([
            "name": "a", "namespace": "x",
            "annotations": .object(["note": .string(#"{"resourceVersion":"9","labels":{"x":"y"}} \ "quoted" , }"#)]),
            "labels": .object(["app": "web", "tier": "a,b"]),
            "managedFields": .array([.object(["fieldsV1": .object(["f:metadata": .object(["f:resourceVersion": .object([:])])])])]
            ),
        ]),
        "spec": .object(["resourceVersion": "nested", "list": .array([.integer(1), .bool(true), .null, .double(2.5)])]),
    ])

    @Test(arguments: StoreEngine.allCases)
    func putsAndDeletesAreRecordedAsAGetWouldReturnThem(engine: StoreEngine) throws {
        try withTestStore(engine) { store in try putsAndDeletesAreRecordedAsAGetWouldReturnThem(try store.open()) }
    }

    func putsAndDeletesAreRecordedAsAGetWouldReturnThem(_ repository: PolicyRepository) throws {
        let key = ObjectKey(kind: .pod, namespace: "x", name: "a")
        let (_, (first, added)) = try repository.write { transaction in
            transaction.recordWrites(upTo: 10)
            let stored = try transaction.put(key, body: tricky, existing: nil)
            return (stored, transaction.log)
        }
        #expect(added.writes.count == 1)
        #expect(added.writes.first?.action == .added)
        #expect(added.writes.first?.labels == ["app": "web", "tier": "a,b"])
        #expect(try JSONParser.parse(added.writes.first?.json ?? []) == first.body)

        var relabelled = tricky
        relabelled["metadata"]?["labels"] = .object(["app": "db"])
        let (_, (second, modified)) = try repository.write { transaction in
            transaction.recordWrites(upTo: 10)
            let stored = try transaction.put(key, body: relabelled, existing: try transaction.get(key))
            return (stored, transaction.log)
        }
        let change = try #require(modified.writes.first)
        #expect(change.action == .modified)
        #expect(change.previous?.labels == ["app": "web", "tier": "a,b"])
        // The object as it was, stamped with the modifying revision.
        var before = first.body
        before["metadata"]?["resourceVersion"] = .string(String(second.resourceVersion))
        #expect(try JSONParser.parse(change.previous?.json ?? []) == before)

        let (revision, deleted) = try repository.write { transaction in
            transaction.recordWrites(upTo: 10)
            try transaction.delete(key)
            return transaction.log
        }
        let removal = try #require(deleted.writes.first)
        #expect(removal.action == .deleted)
        #expect(removal.labels == ["app": "db"])
        // Found by scanning the stored text: the right resourceVersion changed, nothing else.
        var expected = second.body
        expected["metadata"]?["resourceVersion"] = .string(String(revision))
        #expect(try JSONParser.parse(removal.json) == expected)
    }

    @Test(arguments: StoreEngine.allCases)
    func aTransactionOverTheLimitRecordsOnlyThatItOverflowed(engine: StoreEngine) throws {
        try withTestStore(engine) { store in try aTransactionOverTheLimitRecordsOnlyThatItOverflowed(try store.open()) }
    }

    func aTransactionOverTheLimitRecordsOnlyThatItOverflowed(_ repository: PolicyRepository) throws {
        let (_, log) = try repository.write { transaction in
            transaction.recordWrites(upTo: 2)
            for name in ["a", "b", "c"] {
                try transaction.put(ObjectKey(kind: .namespace, namespace: "", name: name), body: tricky, existing: nil)
            }
            return transaction.log
        }
        #expect(log.overflowed)
        #expect(log.writes.isEmpty)
        // Not recording (the default): nothing kept.
        let (_, quiet) = try repository.write { transaction in
            try transaction.put(ObjectKey(kind: .namespace, namespace: "", name: "d"), body: tricky, existing: nil)
            return transaction.log
        }
        #expect(quiet.writes.isEmpty && !quiet.overflowed)
    }
}
