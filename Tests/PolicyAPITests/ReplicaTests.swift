import Dispatch
import Glibc
import MicroHTTP
import PolicyCore
import Synchronization
import Testing

@testable import PolicyAPI
@testable import PolicyStore

/// Replicas over one PostgreSQL database: each follows what the others write, a write applies
/// what its replica missed first, and racing writers meet the same 409 as on one replica. Needs
/// `NETPOLD_TEST_POSTGRES` (CI sets it; `scripts/postgres.sh start DIR PORT` prints one);
/// without it each test is cancelled with that hint, not counted as passed.
@Suite struct ReplicaTests {
    /// Two replicas (services with routers) on a fresh database, dropped afterwards.
    func withReplicas(_ body: (_ a: APIHarness, _ b: APIHarness, _ url: String) throws -> Void) throws {
        guard let server = getenv("NETPOLD_TEST_POSTGRES").map({ String(cString: $0) }), !server.isEmpty else {
            try Test.cancel(
                "PostgreSQL replicas not run: set NETPOLD_TEST_POSTGRES=postgres://USER@HOST:PORT/DB (scripts/postgres.sh start DIR PORT prints one)"
            )
        }
        let name = "r_" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let maintenance = try PostgresConnection(url: server)
        try maintenance.execute("CREATE DATABASE \(name)")
        defer { try? maintenance.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        let url = server.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/") + "/" + name
        func replica() throws -> APIHarness {
            try APIHarness(repository: PolicyRepository(store: url, migrationsDirectory: repositoryRoot + "/migrations"))
        }
        let a = try replica()
        let b = try replica()
        defer {
            a.router.service.repository.close()
            b.router.service.repository.close()
        }
        try body(a, b, url)
    }

    static let policy =
        #"{"metadata":{"name":"db-access"},"spec":{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"web"}}}],"ports":[{"port":6379}]}]}}"#
    static let question = "/v1/decide?from=x/a&to=x/b&port=6379"

    func seed(_ api: APIHarness) {
        api.send("POST", "/api/v1/namespaces", namespaceX)
        api.send("POST", "/api/v1/namespaces/x/pods", podJSON("a", ip: "10.0.0.1"))
        api.send("POST", "/api/v1/namespaces/x/pods", podJSON("b", ip: "10.0.0.2", labels: #"{"app":"db"}"#))
        api.send("POST", "/apis/networking.k8s.io/v1/namespaces/x/networkpolicies", Self.policy)
    }

    @Test func aReplicaDecidesWhatAnotherWroteOnceItHasCaughtUp() throws {
        try withReplicas { a, b, _ in
            seed(a)
            #expect(b.send("GET", Self.question).status == 404)
            try b.router.service.catchUp()
            let onB = b.send("GET", Self.question).json
            #expect(onB == a.send("GET", Self.question).json)
            #expect(onB["revision"] == .integer(4))
            #expect(onB["ingress"]?["policy"]?["name"] == .string("db-access"))
            #expect(b.router.service.standing.caughtUp)
        }
    }

    @Test func aReplicaThatWritesFirstAppliesWhatItMissed() throws {
        try withReplicas { a, b, _ in
            seed(a)
            // b has not followed yet; its write needs namespace x, which only a wrote.
            let created = b.send("POST", "/api/v1/namespaces/x/pods", podJSON("c", ip: "10.0.0.3"))
            #expect(created.status == 201)
            #expect(created.json["metadata"]?["resourceVersion"] == .string("5"))
            #expect(b.router.service.current.revision == 5)
            #expect(b.send("GET", "/v1/decide?from=x/c&to=x/b&port=6379").json["allowed"] == .bool(true))
        }
    }

    @Test func readyzSaysNotReadyUntilTheReplicaHasWhatTheStoreAnnounced() throws {
        try withReplicas { a, b, _ in
            seed(a)
            // As the follower does on a notification of revision 4.
            b.router.service.announce(4)
            let behind = b.send("GET", "/readyz")
            #expect(behind.status == 503)
            #expect(behind.json["message"] == .string("catching up with the store: at revision 0 of 4"))
            try b.router.service.catchUp()
            let ready = b.send("GET", "/readyz").json
            #expect(ready["status"] == .string("ready"))
            #expect(ready["revision"] == .integer(4))
            #expect(ready["store"] == .string("postgres"))
            #expect(ready["storeReachable"] == .bool(true))
        }
    }

    @Test func aReplicasWatchHistoryHoldsWhatAnotherReplicaWrote() throws {
        try withReplicas { a, b, _ in
            seed(a)
            b.send("POST", "/api/v1/namespaces/x/pods", podJSON("c", ip: "10.0.0.3"))
            // Revisions 1-4 (a's) came in by catching up before b's own write, revision 5.
            #expect(b.router.service.changeFeed.revision == 5)
            #expect(b.router.service.changeFeed.count == 5)
        }
    }

    @Test func onPostgreSQLRequestsThatReadTheStoreLeaveTheEventLoop() throws {
        try withReplicas { a, _, _ in
            #expect(a.router.lane(for: HTTPRequest(method: "GET", path: "/api/v1/namespaces/x/pods/a", body: [])) == .background)
            #expect(a.router.lane(for: HTTPRequest(method: "GET", path: "/metrics", body: [])) == .background)
            #expect(a.router.lane(for: HTTPRequest(method: "POST", path: "/v1/decide", body: [])) == .inline)
            #expect(a.router.lane(for: HTTPRequest(method: "GET", path: "/readyz", body: [])) == .inline)
        }
    }

    @Test func racingReplacementsAcrossReplicasLetExactlyOneWin() throws {
        try withReplicas { a, b, _ in
            seed(a)
            try b.router.service.catchUp()
            let stored = a.send("GET", "/api/v1/namespaces/x/pods/a").json
            let version = stored["metadata"]?["resourceVersion"]?.stringValue ?? ""
            let statuses = Mutex<[Int]>([])
            DispatchQueue.concurrentPerform(iterations: 16) { index in
                let api = index % 2 == 0 ? a : b
                let body =
                    #"{"metadata":{"name":"a","resourceVersion":"\#(version)","labels":{"app":"web","writer":"w\#(index)"}},"status":{"podIP":"10.0.0.1"}}"#
                let status = api.send("PUT", "/api/v1/namespaces/x/pods/a", body, contentType: "application/json").status
                statuses.withLock { $0.append(status) }
            }
            let all = statuses.withLock { $0 }
            #expect(all.filter { $0 == 200 }.count == 1)
            #expect(all.filter { $0 == 409 }.count == 15)
        }
    }

    @Test func aDeletedNamespaceIsGoneOnTheOtherReplicaWithItsPods() throws {
        try withReplicas { a, b, _ in
            seed(a)
            try b.router.service.catchUp()
            #expect(a.send("DELETE", "/api/v1/namespaces/x").status == 200)
            try b.router.service.catchUp()
            #expect(b.send("GET", Self.question).status == 404)
            #expect(b.router.service.current.revision == a.router.service.current.revision)
        }
    }

    @Test func aReplicaBehindWhatTheChangeLogHoldsReloadsEverything() throws {
        try withReplicas { a, b, url in
            seed(a)
            // As if the log had been pruned past b's revision.
            let store = try PostgresConnection(url: url)
            try store.execute("DELETE FROM changes; UPDATE revision SET changes_from = value + 1 WHERE id = 1")
            try b.router.service.catchUp()
            #expect(b.send("GET", Self.question).json == a.send("GET", Self.question).json)
            #expect(b.router.service.standing.caughtUp)
        }
    }

    @Test func theFollowerAppliesOtherReplicasWritesWithoutBeingAsked() throws {
        try withReplicas { a, b, _ in
            b.router.service.startFollowing(interval: .milliseconds(200), logger: quietLogger)
            defer { b.router.service.stopFollowing() }
            seed(a)
            // A decision naming the revision a's write returned is answered once b has it.
            let answer = b.send("GET", Self.question + "&minRevision=4")
            #expect(answer.status == 200)
            #expect(answer.json["allowed"] == .bool(true))
        }
    }
}

/// What `/readyz` and a store that cannot be reached answer, on any engine.
@Suite struct ReadinessTests {
    @Test func aSQLiteServerIsReadyAndSaysWhichStoreItHas() throws {
        let ready = try APIHarness().send("GET", "/readyz").json
        #expect(ready["status"] == .string("ready"))
        #expect(ready["store"] == .string("sqlite"))
        #expect(ready["storeReachable"] == .bool(true))
    }

    @Test func anUnreachableStoreIs503WithAOneLineMessageAndRetryAfter() {
        let status = StoreUnavailable(reason: "connection refused\n\tIs the server running?", sqlState: "08006").status
        #expect(status.code == 503)
        #expect(status.reason == "ServiceUnavailable")
        #expect(status.message == "the store cannot be reached right now: connection refused Is the server running?")
        #expect(status.retryAfterSeconds == 1)
    }
}
