import Glibc
import MicroHTTP
import PolicyAPI
import PolicyCore
import PolicyStore
import Testing

/// A router whose service keeps at most `history` events, for watch tests.
func watchHarness(history: Int = 10_000, watch: WatchOptions = WatchOptions()) throws -> APIHarness {
    var options = RouterOptions()
    options.watch = watch
    return try APIHarness(options: options, watchHistory: history)
}

extension APIHarness {
    /// Starts a watch in process (no socket); the stream is read with ``WatchReader``.
    func watch(_ target: String) -> (status: Int, reader: WatchReader?, json: JSONValue) {
        let (path, query) = Self.split(target)
        let response = router.handle(HTTPRequest(method: "GET", path: path, query: query))
        if let events = response.events {
            #expect(response.header("Content-Type") == "application/json")
            return (response.status, WatchReader(events), .null)
        }
        return (response.status, nil, (try? JSONParser.parse(response.body)) ?? .null)
    }

    /// The store's revision now.
    var revision: Int64 { router.service.current.revision }
}

/// Reads an event stream in process, as far as it goes without waiting.
final class WatchReader {
    let stream: HTTPEventStream
    private var pending: [UInt8] = []
    private(set) var ended = false

    init(_ stream: HTTPEventStream) { self.stream = stream }

    /// Every event available now (one per line); stops at a `wait` or the end.
    func events() -> [JSONValue] {
        loop: while !ended {
            switch stream.next() {
            case .data(let bytes): pending += bytes
            case .wait: break loop
            case .end: ended = true
            }
        }
        var lines: [JSONValue] = []
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            lines.append((try? JSONParser.parse(Array(pending[..<newline]))) ?? .null)
            pending.removeFirst(newline + 1)
        }
        return lines
    }

    /// What the stream said it waits for now: nil for no instant, or the end.
    func waitsUntil() -> ContinuousClock.Instant?? {
        switch stream.next() {
        case .wait(let until): return .some(until)
        case .data(let bytes):
            pending += bytes
            return nil
        case .end:
            ended = true
            return nil
        }
    }
}

/// `(type, name, resourceVersion)` of each event.
func summary(_ events: [JSONValue]) -> [String] {
    events.map { event in
        let metadata = event["object"]?["metadata"]
        return
            "\(event["type"]?.stringValue ?? "?") \(metadata?["name"]?.stringValue ?? "-") \(metadata?["resourceVersion"]?.stringValue ?? "-")"
    }
}

@Suite struct WatchRoutesTests {
    @Test func createUpdateDeleteArriveInOrderAsGetReturnsThem() throws {
        let api = try watchHarness()
        api.send("POST", "/api/v1/namespaces", namespaceX)
        let start = api.revision
        let (status, reader, _) = api.watch("/api/v1/namespaces/x/pods?watch=true&resourceVersion=\(start)")
        #expect(status == 200)
        let watch = try #require(reader)
        #expect(watch.events().isEmpty)

        api.send("POST", "/api/v1/namespaces/x/pods", podJSON("a", ip: "10.0.0.1"))
        let created = api.send("GET", "/api/v1/namespaces/x/pods/a").json
        api.send("PUT", "/api/v1/namespaces/x/pods/a", podJSON("a", ip: "10.0.0.1", labels: #"{"app":"db"}"#))
        let modified = api.send("GET", "/api/v1/namespaces/x/pods/a").json
        api.send("DELETE", "/api/v1/namespaces/x/pods/a")
        let deleteRevision = api.revision

        let events = watch.events()
        #expect(summary(events) == ["ADDED a \(start + 1)", "MODIFIED a \(start + 2)", "DELETED a \(start + 3)"])
        #expect(events.count == 3)
        guard events.count == 3 else { return }
        #expect(events[0]["object"] == created)
        #expect(events[1]["object"] == modified)
        // The deleted object as it was, with the deletion's revision, as Kubernetes reports it.
        var deleted = modified
        deleted["metadata"]?["resourceVersion"] = .string(String(deleteRevision))
        #expect(events[2]["object"] == deleted)
        #expect(!watch.ended)
    }

    @Test func onlyChangesAfterTheResourceVersionAndOnlyThePathsKindAndNamespace() throws {
        let api = try watchHarness()
        api.send("POST", "/api/v1/namespaces", namespaceX)
        api.send("POST", "/api/v1/namespaces", #"{"metadata":{"name":"y"}}"#)
        api.send("POST", "/api/v1/namespaces/x/pods", podJSON("a", ip: "10.0.0.1"))
        let afterA = api.revision
        api.send("POST", "/api/v1/namespaces/x/pods", podJSON("b", ip: "10.0.0.2"))
        api.send("POST", "/api/v1/namespaces/y/pods", podJSON("c", namespace: "y", ip: "10.0.0.3"))
        api.send("POST", "/apis/networking.k8s.io/v1/namespaces/x/networkpolicies", denyAllIngress)

        let inX = try #require(api.watch("/api/v1/namespaces/x/pods?watch=1&resourceVersion=\(afterA)").reader)
        #expect(summary(inX.events()) == ["ADDED b \(afterA + 1)"])
        let everywhere = try #require(api.watch("/api/v1/pods?watch=true&resourceVersion=\(afterA)").reader)
        #expect(summary(everywhere.events()) == ["ADDED b \(afterA + 1)", "ADDED c \(afterA + 2)"])
        let policies = try #require(
            api.watch("/apis/networking.k8s.io/v1/namespaces/x/networkpolicies?watch=true&resourceVersion=\(afterA)").reader)
        #expect(summary(policies.events()) == ["ADDED deny \(afterA + 3)"])

        // A resourceVersion not reached yet: nothing until the store passes it.
        let future = api.revision + 1
        let early = try #require(api.watch("/api/v1/pods?watch=true&resourceVersion=\(future)").reader)
        api.send("POST", "/api/v1/namespaces/x/pods", podJSON("d", ip: "10.0.0.4"))
        #expect(early.events().isEmpty)
        api.send("POST", "/api/v1/namespaces/x/pods", podJSON("e", ip: "10.0.0.5"))
        #expect(summary(early.events()) == ["ADDED e \(future + 1)"])
    }

    @Test func withoutAResourceVersionTheCurrentObjectsComeFirst() throws {
        let api = try watchHarness()
        api.send("POST", "/api/v1/namespaces", namespaceX)
        api.send("POST", "/api/v1/namespaces/x/pods", podJSON("a", ip: "10.0.0.1"))
        api.send("POST", "/api/v1/namespaces/x/pods", podJSON("b", ip: "10.0.0.2"))
        for target in ["/api/v1/namespaces/x/pods?watch=true", "/api/v1/namespaces/x/pods?watch=true&resourceVersion=0"] {
            let watch = try #require(api.watch(target).reader)
            #expect(summary(watch.events()) == ["ADDED a 2", "ADDED b 3"])
        }
        let watch = try #require(api.watch("/api/v1/namespaces/x/pods?watch=true").reader)
        _ = watch.events()
        api.send("PUT", "/api/v1/namespaces/x/pods/a", podJSON("a", ip: "10.0.0.1", labels: #"{"app":"db"}"#))
        #expect(summary(watch.events()) == ["MODIFIED a 4"])

        // sendInitialEvents=false from now: no initial events.
        let fromNow = try #require(
            api.watch("/api/v1/namespaces/x/pods?watch=true&sendInitialEvents=false&resourceVersionMatch=NotOlderThan").reader)
        #expect(fromNow.events().isEmpty)

        // sendInitialEvents=true (client-go's watch list): the state, then a bookmark marking its end.
        let watchList = try #require(
            api.watch(
                "/api/v1/namespaces/x/pods?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true"
            ).reader)
        let events = watchList.events()
        #expect(summary(events) == ["ADDED a 4", "ADDED b 3", "BOOKMARK - 4"])
        #expect(events.last?["object"]?["metadata"]?["annotations"]?["k8s.io/initial-events-end"] == .string("true"))
        #expect(events.last?["object"]?["kind"] == .string("Pod"))
        #expect(events.last?["object"]?["apiVersion"] == .string("v1"))
    }

    @Test func invalidWatchOptionsAreRefusedAsTheAPIServerRefusesThem() throws {
        let api = try watchHarness()
        let (status, _, json) = api.watch("/api/v1/pods?watch=true&sendInitialEvents=true")
        #expect(status == 422)
        #expect(
            json["message"]
                == .string(
                    "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"
                ))
        #expect(api.watch("/api/v1/pods?watch=true&resourceVersionMatch=NotOlderThan").status == 422)
        #expect(api.watch("/api/v1/pods?watch=true&resourceVersion=abc").status == 400)
        #expect(api.watch("/api/v1/pods?watch=true&timeoutSeconds=-1").status == 400)
        #expect(api.watch("/api/v1/pods?watch=true&labelSelector=a%20in").status == 400)
        let field = api.watch("/api/v1/pods?watch=true&fieldSelector=spec.nodeName%3Dn1")
        #expect(field.status == 400)
        #expect(field.json["message"] == .string("field label not supported: spec.nodeName"))
        // sendInitialEvents=true from a resourceVersion the store has not reached.
        let ahead = api.watch(
            "/api/v1/pods?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&resourceVersion=99")
        #expect(ahead.status == 504)
        #expect(ahead.json["reason"] == .string("Timeout"))
        // watch=false (and Python's watch=False) is a list.
        #expect(api.watch("/api/v1/pods?watch=false").json["kind"] == .string("PodList"))
        #expect(api.watch("/api/v1/pods?watch=False").status == 200)
        #expect(api.watch("/api/v1/pods?watch=True").reader != nil)
    }

    @Test func labelSelectorsTurnRelabelsIntoAddedAndDeleted() throws {
        let api = try watchHarness()
        api.send("POST", "/api/v1/namespaces", namespaceX)
        let start = api.revision
        let watch = try #require(
            api.watch("/api/v1/namespaces/x/pods?watch=true&resourceVersion=\(start)&labelSelector=app%3Dweb").reader)
        api.send("POST", "/api/v1/namespaces/x/pods", podJSON("a", ip: "10.0.0.1", labels: #"{"app":"db"}"#))  // +1: not selected
        api.send("PUT", "/api/v1/namespaces/x/pods/a", podJSON("a", ip: "10.0.0.1", labels: #"{"app":"web"}"#))  // +2: enters
        api.send("PUT", "/api/v1/namespaces/x/pods/a", podJSON("a", ip: "10.0.0.9", labels: #"{"app":"web"}"#))  // +3: changes
        api.send("PUT", "/api/v1/namespaces/x/pods/a", podJSON("a", ip: "10.0.0.9", labels: #"{"app":"db"}"#))  // +4: leaves
        api.send("DELETE", "/api/v1/namespaces/x/pods/a")  // +5: not selected
        let events = watch.events()
        #expect(summary(events) == ["ADDED a \(start + 2)", "MODIFIED a \(start + 3)", "DELETED a \(start + 4)"])
        // Leaving the selector is a DELETED of the object as it was, stamped with the change's revision.
        #expect(events.last?["object"]?["metadata"]?["labels"]?["app"] == .string("web"))
        #expect(events.last?["object"]?["status"]?["podIP"] == .string("10.0.0.9"))
    }

    @Test func fieldSelectorsOnNameAndNamespace() throws {
        let api = try watchHarness()
        api.send("POST", "/api/v1/namespaces", namespaceX)
        api.send("POST", "/api/v1/namespaces", #"{"metadata":{"name":"y"}}"#)
        let start = api.revision
        let byName = try #require(
            api.watch("/api/v1/pods?watch=true&resourceVersion=\(start)&fieldSelector=metadata.name%3Da").reader)
        let notX = try #require(
            api.watch("/api/v1/pods?watch=true&resourceVersion=\(start)&fieldSelector=metadata.namespace!%3Dx").reader)
        api.send("POST", "/api/v1/namespaces/x/pods", podJSON("a", ip: "10.0.0.1"))
        api.send("POST", "/api/v1/namespaces/x/pods", podJSON("b", ip: "10.0.0.2"))
        api.send("POST", "/api/v1/namespaces/y/pods", podJSON("a", namespace: "y", ip: "10.0.0.3"))
        #expect(summary(byName.events()) == ["ADDED a \(start + 1)", "ADDED a \(start + 3)"])
        #expect(summary(notX.events()) == ["ADDED a \(start + 3)"])
        // Lists take the same selector, so a list-then-watch client sees one consistent set.
        let listed = api.send("GET", "/api/v1/pods?fieldSelector=metadata.name%3Da,metadata.namespace%3D%3Dy").json
        #expect(listed["items"]?.arrayValue?.count == 1)
        #expect(api.send("GET", "/api/v1/pods?fieldSelector=status.phase%3DRunning").status == 400)
    }

    @Test func aNamespaceDeleteIsADeleteOfEverythingInItAndReplaceImportsDeleteToo() throws {
        let api = try watchHarness()
        api.send("POST", "/api/v1/namespaces", namespaceX)
        api.send("POST", "/api/v1/namespaces/x/pods", podJSON("a", ip: "10.0.0.1"))
        api.send("POST", "/api/v1/namespaces/x/pods", podJSON("b", ip: "10.0.0.2"))
        api.send("POST", "/apis/networking.k8s.io/v1/namespaces/x/networkpolicies", denyAllIngress)
        let start = api.revision
        let pods = try #require(api.watch("/api/v1/pods?watch=true&resourceVersion=\(start)").reader)
        let namespaces = try #require(api.watch("/api/v1/namespaces?watch=true&resourceVersion=\(start)").reader)
        let policies = try #require(
            api.watch("/apis/networking.k8s.io/v1/networkpolicies?watch=true&resourceVersion=\(start)").reader)
        #expect(api.send("DELETE", "/api/v1/namespaces/x").status == 200)
        let deleted = start + 1
        #expect(Set(summary(pods.events())) == ["DELETED a \(deleted)", "DELETED b \(deleted)"])
        #expect(summary(namespaces.events()) == ["DELETED x \(deleted)"])
        #expect(summary(policies.events()) == ["DELETED deny \(deleted)"])

        // A dry run records nothing; an import in mode=replace deletes what it does not name.
        api.importYAML(
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: y}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: z}\n")
        let before = api.router.service.changeFeed.count
        let dry = api.importYAML("apiVersion: v1\nkind: Namespace\nmetadata: {name: w}\n", extra: "&dryRun=All")
        #expect(dry.status == 200)
        #expect(api.router.service.changeFeed.count == before)
        _ = namespaces.events()
        api.importYAML("apiVersion: v1\nkind: Namespace\nmetadata: {name: y}\n", mode: "replace")
        #expect(summary(namespaces.events()) == ["DELETED z \(api.revision)"])
    }

    @Test func aResourceVersionOlderThanTheHistoryIsExpired() throws {
        let api = try watchHarness(history: 3)
        api.send("POST", "/api/v1/namespaces", namespaceX)  // 1
        let slow = try #require(api.watch("/api/v1/pods?watch=true&resourceVersion=1").reader)
        // Revisions 2 to 6.
        for index in 1...5 { api.send("POST", "/api/v1/namespaces/x/pods", podJSON("p\(index)", ip: "10.0.0.\(index)")) }
        // Events after 3 are held: 3 is the oldest resourceVersion a watch may start from.
        #expect(api.router.service.changeFeed.oldestResourceVersion == 3)
        #expect(
            summary(try #require(api.watch("/api/v1/pods?watch=true&resourceVersion=3").reader).events()) == [
                "ADDED p3 4", "ADDED p4 5", "ADDED p5 6",
            ])
        // Too old: one ERROR event with a 410 Expired Status (what the API server sends), then the end.
        let old = try #require(api.watch("/api/v1/pods?watch=true&resourceVersion=2").reader)
        let events = old.events()
        #expect(events.count == 1)
        #expect(events.first?["type"] == .string("ERROR"))
        #expect(events.first?["object"]?["code"] == .integer(410))
        #expect(events.first?["object"]?["reason"] == .string("Expired"))
        #expect(events.first?["object"]?["kind"] == .string("Status"))
        #expect(old.ended)
        // A watch that fell behind while open (it read nothing since resourceVersion 1) expires the same way.
        let behind = slow.events()
        #expect(behind.first?["type"] == .string("ERROR"))
        #expect(slow.ended)

        // A revision larger than the whole history is not held: the history starts after it.
        let big = (1...4).map { "apiVersion: v1\nkind: Namespace\nmetadata: {name: n\($0)}\n" }.joined(separator: "---\n")
        api.importYAML(big)
        #expect(api.router.service.changeFeed.oldestResourceVersion == api.revision)
        #expect(api.router.service.changeFeed.count == 0)
        #expect(
            api.watch("/api/v1/namespaces?watch=true&resourceVersion=\(api.revision - 1)").reader?.events().first?["type"]
                == .string("ERROR"))
    }

    @Test func timeoutsEndTheStreamAndBookmarksComeWhenAskedFor() throws {
        var options = WatchOptions()
        options.bookmarkInterval = .milliseconds(200)
        let api = try watchHarness(watch: options)
        api.send("POST", "/api/v1/namespaces", namespaceX)
        let start = api.revision
        let opened = ContinuousClock.now
        // Bookmarks stop 2 s before the timeout, as the API server schedules them.
        let watch = try #require(
            api.watch("/api/v1/namespaces/x/pods?watch=true&resourceVersion=\(start)&allowWatchBookmarks=true&timeoutSeconds=3")
                .reader)
        #expect(watch.events().isEmpty)
        // A write the watch does not select moves its bookmark on.
        api.send("POST", "/api/v1/namespaces", #"{"metadata":{"name":"y"}}"#)
        // The stream asks to be woken for its next bookmark.
        let until = try #require(watch.waitsUntil())
        #expect(until != nil)
        usleep(250_000)
        let bookmark = watch.events()
        #expect(summary(bookmark) == ["BOOKMARK - \(start + 1)"])
        #expect(bookmark.first?["object"]?["kind"] == .string("Pod"))
        // Nothing new: no second bookmark with the same resourceVersion.
        usleep(250_000)
        #expect(watch.events().isEmpty)
        #expect(!watch.ended)
        while !watch.ended, ContinuousClock.now < opened + .seconds(8) {
            usleep(50_000)
            _ = watch.events()
        }
        #expect(watch.ended)

        // Without allowWatchBookmarks, none.
        let plain = try #require(api.watch("/api/v1/namespaces/x/pods?watch=true&resourceVersion=\(start)").reader)
        usleep(250_000)
        #expect(plain.events().isEmpty)
    }

    @Test func watchesPastTheLimitAreTooManyRequestsUntilOneCloses() throws {
        var options = WatchOptions()
        options.maxWatches = 2
        let api = try watchHarness(watch: options)
        var first = api.watch("/api/v1/pods?watch=true").reader
        let second = api.watch("/api/v1/pods?watch=true").reader
        #expect(first != nil && second != nil)
        let refused = api.watch("/api/v1/pods?watch=true")
        #expect(refused.status == 429)
        #expect(refused.json["reason"] == .string("TooManyRequests"))
        #expect(api.router.service.changeFeed.openWatches == 2)
        first = nil
        #expect(api.router.service.changeFeed.openWatches == 1)
        #expect(api.watch("/api/v1/pods?watch=true").status == 200)
        _ = first
    }
}
