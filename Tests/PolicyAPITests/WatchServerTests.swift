import Glibc
import MicroHTTP
import PolicyAPI
import PolicyCore
import Testing

/// One watch over a real socket: sends the request, reads the head, then the chunked body line by line.
final class WatchConnection {
    let fd: Int32
    private(set) var status = 0
    private(set) var head = ""
    /// The decoded body not yet returned as lines.
    private var body: [UInt8] = []
    /// Raw bytes not yet decoded.
    private var raw: [UInt8] = []
    /// Bytes left in the current chunk (plus its CRLF), or nil between chunks.
    private var chunkLeft: Int?
    /// The last chunk arrived, or the server closed the connection.
    private(set) var ended = false

    init(port: UInt16, path: String, timeout: Duration = .seconds(5)) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0)
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let deadline = ContinuousClock.now + timeout
        while true {
            if let end = raw.firstRange(of: [13, 10, 13, 10]) {
                head = String(decoding: raw[..<end.lowerBound], as: UTF8.self)
                raw.removeFirst(end.upperBound)
                status = Int(head.split(separator: " ")[1]) ?? 0
                break
            }
            guard receive(until: deadline) else { break }
        }
    }

    deinit { hangUp() }

    private var closed = false

    /// Closes the socket, as a client that goes away.
    func hangUp() {
        if !closed { close(fd) }
        closed = true
    }

    var isChunked: Bool { head.lowercased().contains("transfer-encoding: chunked") }

    /// The next line of the body, nil if none comes within `timeout` or the body ended.
    func nextLine(timeout: Duration = .seconds(3)) -> String? {
        let deadline = ContinuousClock.now + timeout
        while true {
            decode()
            if let newline = body.firstIndex(of: UInt8(ascii: "\n")) {
                defer { body.removeFirst(newline + 1) }
                return String(decoding: body[..<newline], as: UTF8.self)
            }
            if ended || !receive(until: deadline) { return nil }
        }
    }

    /// Waits for the end of the body (the last chunk, or the connection closed).
    func waitForEnd(timeout: Duration = .seconds(3)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !ended {
            decode()
            if ended { break }
            guard receive(until: deadline) else { break }
        }
        return ended
    }

    /// Moves whole chunks from `raw` to `body`.
    private func decode() {
        while true {
            if let left = chunkLeft {
                let take = min(left, raw.count)
                body += raw[..<take]
                raw.removeFirst(take)
                chunkLeft = left - take
                if chunkLeft! > 0 { return }
                // Drop the CRLF that closed the chunk.
                body.removeLast(min(2, body.count))
                chunkLeft = nil
            }
            guard let lineEnd = raw.firstRange(of: [13, 10]) else { return }
            let size = Int(String(decoding: raw[..<lineEnd.lowerBound], as: UTF8.self), radix: 16) ?? 0
            raw.removeFirst(lineEnd.upperBound)
            if size == 0 {
                ended = true
                return
            }
            chunkLeft = size + 2
        }
    }

    /// Reads what arrives before `deadline`; false on timeout or when the server closed.
    private func receive(until deadline: ContinuousClock.Instant) -> Bool {
        let left = deadline - ContinuousClock.now
        let milliseconds = Int32(max(0, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, milliseconds) > 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        let count = read(fd, &buffer, buffer.count)
        guard count > 0 else {
            ended = true
            return false
        }
        raw += buffer[..<count]
        return true
    }
}

/// Polls `condition` for up to `timeout`.
func eventually(_ timeout: Duration = .seconds(3), _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        usleep(20_000)
    }
    return condition()
}

@Suite(.serialized) struct WatchServerTests {
    /// A real server (port 0) on a fresh store.
    func serve(watch: WatchOptions = WatchOptions()) throws -> (server: HTTPServer, api: APIHarness) {
        let api = try watchHarness(watch: watch)
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configuration.responses = Router.serverResponses
        let router = api.router
        let server = try HTTPServer(configuration: configuration, lane: Router.lane(for:)) { router.handle($0) }
        return (server, api)
    }

    func post(_ server: HTTPServer, _ path: String, _ body: String) throws -> HTTPResponse {
        try HTTPClient.send(
            method: "POST", url: server.url + path, headers: [("Content-Type", "application/json")], body: Array(body.utf8))
    }

    @Test func eventsStreamOverHTTPAndAClientThatHangsUpReleasesItsSlot() throws {
        let (server, api) = try serve()
        defer { server.stop() }
        #expect(try post(server, "/api/v1/namespaces", namespaceX).status == 201)
        let start = api.revision
        let watch = try WatchConnection(port: server.port, path: "/api/v1/namespaces/x/pods?watch=true&resourceVersion=\(start)")
        #expect(watch.status == 200)
        #expect(watch.isChunked)
        #expect(watch.head.lowercased().contains("content-type: application/json"))
        #expect(try post(server, "/api/v1/namespaces/x/pods", podJSON("a", ip: "10.0.0.1")).status == 201)
        let line = try #require(watch.nextLine())
        let event = try JSONParser.parse(line)
        #expect(event["type"] == .string("ADDED"))
        #expect(event["object"]?["metadata"]?["resourceVersion"] == .string(String(start + 1)))
        #expect(api.router.service.changeFeed.openWatches == 1)
        #expect(server.eventStreamCount == 1)

        // The client goes away while its watch waits (suspended, with no event to come).
        watch.hangUp()
        #expect(eventually { api.router.service.changeFeed.openWatches == 0 && server.eventStreamCount == 0 })
    }

    @Test func fiftyOpenWatchesHoldNoThreadAndDelayNoRequest() throws {
        let (server, api) = try serve()
        defer { server.stop() }
        #expect(try post(server, "/api/v1/namespaces", namespaceX).status == 201)
        #expect(try post(server, "/api/v1/namespaces/x/pods", podJSON("a", ip: "10.0.0.1")).status == 201)
        #expect(try post(server, "/api/v1/namespaces/x/pods", podJSON("b", ip: "10.0.0.2")).status == 201)
        let start = api.revision
        var watches: [WatchConnection] = []
        for index in 0..<50 {
            // Half from a resourceVersion, half from the current objects (two ADDED events first).
            let path =
                index % 2 == 0
                ? "/api/v1/namespaces/x/pods?watch=true&resourceVersion=\(start)"
                : "/api/v1/pods?watch=true&allowWatchBookmarks=true"
            let watch = try WatchConnection(port: server.port, path: path)
            #expect(watch.status == 200)
            if index % 2 == 1 {
                #expect(watch.nextLine() != nil)
                #expect(watch.nextLine() != nil)
            }
            watches.append(watch)
        }
        #expect(server.eventStreamCount == 50)
        #expect(api.router.service.changeFeed.openWatches == 50)
        // The background threads that set the watches up are gone: the waiting watches hold none.
        // (Threads are counted per process, and other suites run meanwhile: scripts/watch-check.sh
        // counts them on a server process of its own.)
        #expect(eventually { server.unfinishedBackgroundWork == 0 })

        // Decisions and writes are answered meanwhile (how fast: scripts/watch-check.sh measures it).
        for _ in 0..<50 {
            let answer = try HTTPClient.send(method: "GET", url: server.url + "/v1/decide?from=x/a&to=x/b&port=80")
            #expect(answer.status == 200)
        }
        for index in 0..<5 {
            let created = try post(server, "/api/v1/namespaces/x/pods", podJSON("c\(index)", ip: "10.0.1.\(index)"))
            #expect(created.status == 201)
        }
        // Every watch sees every write, in order.
        for watch in watches {
            var names: [String] = []
            for _ in 0..<5 {
                guard let line = watch.nextLine(), let event = try? JSONParser.parse(line) else { break }
                names.append(event["object"]?["metadata"]?["name"]?.stringValue ?? "?")
            }
            #expect(names == ["c0", "c1", "c2", "c3", "c4"])
        }
        for watch in watches { watch.hangUp() }
        #expect(eventually { server.eventStreamCount == 0 && api.router.service.changeFeed.openWatches == 0 })
    }

    @Test func theLimitIsTooManyRequestsOverHTTP() throws {
        var options = WatchOptions()
        options.maxWatches = 1
        let (server, _) = try serve(watch: options)
        defer { server.stop() }
        let first = try WatchConnection(port: server.port, path: "/api/v1/pods?watch=true")
        #expect(first.status == 200)
        let second = try WatchConnection(port: server.port, path: "/api/v1/pods?watch=true")
        #expect(second.status == 429)
        #expect(second.head.lowercased().contains("retry-after: 1"))
        first.hangUp()
        #expect(eventually { server.eventStreamCount == 0 })
        #expect(try WatchConnection(port: server.port, path: "/api/v1/pods?watch=true").status == 200)
    }

    @Test func stoppingTheServerEndsOpenWatchesCleanly() throws {
        let (server, _) = try serve()
        let watches = try (0..<3).map { _ in try WatchConnection(port: server.port, path: "/api/v1/pods?watch=true") }
        #expect(watches.allSatisfy { $0.status == 200 })
        #expect(server.eventStreamCount == 3)
        server.stop(graceSeconds: 10)
        // Each got the last chunk: a clean end, after which a client watches again.
        #expect(watches.allSatisfy { $0.waitForEnd() })
    }

    @Test func aWatchEndsAtItsTimeout() throws {
        let (server, _) = try serve()
        defer { server.stop() }
        let watch = try WatchConnection(port: server.port, path: "/api/v1/pods?watch=true&timeoutSeconds=1")
        #expect(watch.status == 200)
        #expect(watch.waitForEnd(timeout: .seconds(4)))
        #expect(eventually { server.eventStreamCount == 0 })
    }
}
