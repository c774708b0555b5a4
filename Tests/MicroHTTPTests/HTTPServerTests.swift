import Glibc
import MicroHTTP
import Synchronization
import Testing

/// A raw loopback connection, so the test controls keep-alive and chunking byte by byte.
final class RawConnection {
    let fd: Int32

    init(port: UInt16, timeoutSeconds: Int = 5) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(rc == 0)
    }

    deinit { close(fd) }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// Reads one response: headers, then a Content-Length or chunked body.
    func readResponse() -> (status: Int, headers: String, body: String)? {
        readResponseBytes().map { ($0.status, $0.headers, String(decoding: $0.body, as: UTF8.self)) }
    }

    func readResponseBytes() -> (status: Int, headers: String, body: [UInt8])? {
        guard let headBytes = take(through: [13, 10, 13, 10]) else { return nil }
        let head = String(decoding: headBytes, as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        func value(_ name: String) -> Substring? {
            lines.first { $0.lowercased().hasPrefix(name + ":") }.map {
                $0.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: " ")
            }
        }
        let status = Int(head.split(separator: " ")[1]) ?? 0
        guard value("transfer-encoding")?.lowercased() == "chunked" else {
            guard let body = take(count: value("content-length").flatMap { Int($0) } ?? 0) else { return nil }
            return (status, head, body)
        }
        var body: [UInt8] = []
        while true {
            guard let sizeLine = take(through: [13, 10]), let size = Int(String(decoding: sizeLine, as: UTF8.self), radix: 16),
                // The chunk and its CRLF; after the last, empty, chunk only the CRLF (the server sends no trailers).
                let chunk = take(count: size + 2)
            else { return nil }
            if size == 0 { return (status, head, body) }
            body += chunk.dropLast(2)
        }
    }

    /// Everything until the server closes the connection.
    func readToEnd() -> [UInt8] {
        while receive() {}
        defer { pending = [] }
        return pending
    }

    /// Read but not yet returned: a read may reach past the end of what is asked for.
    private var pending: [UInt8] = []

    private func receive() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        let count = read(fd, &buffer, buffer.count)
        if count <= 0 { return false }
        pending += buffer[0..<count]
        return true
    }

    private func take(through marker: [UInt8]) -> [UInt8]? {
        var searched = 0
        while true {
            if pending.count >= marker.count {
                for start in searched...(pending.count - marker.count) where pending[start...].starts(with: marker) {
                    defer { pending.removeFirst(start + marker.count) }
                    return Array(pending[..<start])
                }
                searched = pending.count - marker.count + 1
            }
            guard receive() else { return nil }
        }
    }

    private func take(count: Int) -> [UInt8]? {
        while pending.count < count {
            guard receive() else { return nil }
        }
        defer { pending.removeFirst(count) }
        return Array(pending[..<count])
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> Substring {
        var result = self
        while let first = result.first, set.contains(first) { result = result.dropFirst() }
        while let last = result.last, set.contains(last) { result = result.dropLast() }
        return result
    }
}

@Suite struct HTTPServerTests {
    /// Echoes method, path, a query parameter and the body length.
    func startEchoServer(maxBody: Int = 1 << 20, responses: HTTPServerResponses = .plainText) throws -> HTTPServer {
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configuration.maxBodyBytes = maxBody
        configuration.responses = responses
        return try HTTPServer(configuration: configuration) { request in
            let text =
                "\(request.method) \(request.path) q=\(request.query["q"] ?? "-") len=\(request.body.count) ct=\(request.header("Content-Type") ?? "-")"
            return HTTPResponse(status: 200, contentType: "text/plain", body: Array(text.utf8))
        }
    }

    @Test func servesSeveralRequestsOnOneKeepAliveConnection() throws {
        let server = try startEchoServer()
        defer { server.stop() }
        #expect(server.port != 0)
        let connection = try RawConnection(port: server.port)
        connection.send("GET /a?q=1 HTTP/1.1\r\nHost: x\r\n\r\n")
        let first = try #require(connection.readResponse())
        #expect(first.status == 200)
        #expect(first.body == "GET /a q=1 len=0 ct=-")
        #expect(!first.headers.lowercased().contains("connection: close"))
        connection.send("POST /b HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\nhello")
        let second = try #require(connection.readResponse())
        #expect(second.body == "POST /b q=- len=5 ct=application/json")
    }

    @Test func assemblesABodySentInSeveralChunks() throws {
        let server = try startEchoServer()
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        connection.send("PUT /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        let piece = String(repeating: "z", count: 3000)
        for _ in 0..<4 {
            connection.send(String(piece.utf8.count, radix: 16) + "\r\n" + piece + "\r\n")
            usleep(10_000)
        }
        connection.send("0\r\n\r\n")
        let response = try #require(connection.readResponse())
        #expect(response.body == "PUT /c q=- len=12000 ct=-")
    }

    @Test func refusesABodyOverTheLimitBeforeReadingIt() throws {
        // The server knows when to refuse; what it says comes from its configuration.
        var responses = HTTPServerResponses.plainText
        responses.payloadTooLarge = HTTPResponse(
            status: 413, contentType: "application/json", body: Array(#"{"reason":"RequestEntityTooLarge","code":413}"#.utf8))
        let server = try startEchoServer(maxBody: 1000, responses: responses)
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        connection.send("POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n")
        let response = try #require(connection.readResponse())
        #expect(response.status == 413)
        #expect(response.body.contains("RequestEntityTooLarge"))
    }

    @Test func refusesAChunkedBodyThatGrowsOverTheLimit() throws {
        let server = try startEchoServer(maxBody: 1000)
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        connection.send("POST /big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        let piece = String(repeating: "y", count: 800)
        connection.send("320\r\n" + piece + "\r\n320\r\n" + piece + "\r\n0\r\n\r\n")
        let response = connection.readResponse()
        #expect(response?.status == 413)
        #expect(response?.body == "request body is larger than the server's limit\n", "plain text unless configured")
    }

    @Test func theClientTalksToTheServer() throws {
        let server = try startEchoServer()
        defer { server.stop() }
        let response = try HTTPClient.send(method: "POST", url: server.url + "/d?q=2", body: Array("abc".utf8))
        #expect(response.status == 200)
        #expect(response.bodyText == "POST /d q=2 len=3 ct=-")
    }

    @Test func aStoppedServerRefusesConnections() throws {
        let server = try startEchoServer()
        let port = server.port
        server.stop()
        #expect(throws: HTTPClient.Failure.self) { try HTTPClient.send(method: "GET", url: "http://127.0.0.1:\(port)/") }
    }
}

@Suite struct HTTPServerLimitsTests {
    func server(threads: Int = 2, connectionLimit: Int = 1024, timeout: Int = 30) throws -> HTTPServer {
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configuration.threads = threads
        configuration.connectionLimit = connectionLimit
        configuration.connectionTimeoutSeconds = timeout
        return try HTTPServer(configuration: configuration) { _ in
            HTTPResponse(status: 200, contentType: "text/plain", body: Array("ok".utf8))
        }
    }

    @Test func aClientThatStopsMidRequestDoesNotBlockOthers() throws {
        let server = try server()
        defer { server.stop() }
        var stalled: [RawConnection] = []
        for _ in 0..<8 {
            let connection = try RawConnection(port: server.port)
            connection.send("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nonly a few bytes")
            stalled.append(connection)
        }
        let fast = try RawConnection(port: server.port)
        fast.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(fast.readResponse()?.status == 200)
        _ = stalled
    }

    @Test func idleConnectionsAreClosedAfterTheTimeout() throws {
        let server = try server(timeout: 1)
        defer { server.stop() }
        let connection = try RawConnection(port: server.port, timeoutSeconds: 20)
        connection.send("GET /a HTTP/1.1\r\nHost: x\r\n")  // never finishes its headers
        var buffer = [UInt8](repeating: 0, count: 64)
        #expect(read(connection.fd, &buffer, buffer.count) == 0, "the server closes the connection (0 = end of stream)")
    }

    @Test func connectionsBeyondTheLimitAreRefusedAndOthersStillServed() throws {
        let server = try server(threads: 1, connectionLimit: 2)
        defer { server.stop() }
        let first = try RawConnection(port: server.port)
        let second = try RawConnection(port: server.port)
        first.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(first.readResponse()?.status == 200)
        second.send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(second.readResponse()?.status == 200)
        let third = try RawConnection(port: server.port, timeoutSeconds: 1)
        third.send("GET /c HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(third.readResponse() == nil)  // closed without an answer
        first.send("GET /d HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(first.readResponse()?.status == 200)  // the admitted connections carry on
    }
}

@Suite struct BackgroundLaneTests {
    final class Flag: Sendable {
        let raised = Atomic<Bool>(false)
    }

    /// One worker thread, so both connections share it; `/slow` goes to the background lane.
    func server(fastAnswered: Flag, slowRelease: Flag) throws -> HTTPServer {
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configuration.threads = 1
        let lane: HTTPLaneSelector = { $0.path == "/slow" ? .background : .inline }
        return try HTTPServer(configuration: configuration, lane: lane) { request in
            guard request.path == "/slow" else {
                return HTTPResponse(status: 200, contentType: "text/plain", body: Array("fast".utf8))
            }
            // Bounded wait, so a broken lane fails the test instead of hanging it.
            for _ in 0..<1000 where !slowRelease.raised.load(ordering: .relaxed) { usleep(5_000) }
            let text = fastAnswered.raised.load(ordering: .relaxed) ? "slow, after fast" : "slow, fast never answered"
            return HTTPResponse(status: 200, contentType: "text/plain", body: Array(text.utf8))
        }
    }

    @Test func aSlowBackgroundRequestDoesNotHoldUpTheConnectionsOfItsWorkerThread() throws {
        let fastAnswered = Flag()
        let slowRelease = Flag()
        let server = try server(fastAnswered: fastAnswered, slowRelease: slowRelease)
        defer { server.stop() }
        let slow = try RawConnection(port: server.port, timeoutSeconds: 20)
        slow.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        let fast = try RawConnection(port: server.port, timeoutSeconds: 20)
        fast.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(fast.readResponse()?.body == "fast")
        fastAnswered.raised.store(true, ordering: .relaxed)
        slowRelease.raised.store(true, ordering: .relaxed)
        let answer = slow.readResponse()
        #expect(answer?.body == "slow, after fast")
        // The connection stays usable after its suspension.
        slow.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(slow.readResponse()?.body == "fast")
    }

    @Test func stoppingAnswersBackgroundRequestsThatOutliveTheGrace() throws {
        let slowRelease = Flag()
        let server = try server(fastAnswered: Flag(), slowRelease: slowRelease)
        let slow = try RawConnection(port: server.port, timeoutSeconds: 20)
        slow.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        while server.unfinishedBackgroundWork == 0 { usleep(1_000) }
        server.stop(graceSeconds: 0)
        let answer = slow.readResponse()
        #expect(answer?.status == 503)
        #expect(answer?.headers.lowercased().contains("connection: close") == true)
        #expect(server.unfinishedBackgroundWork == 1, "the handler is still running, on its own thread")
        slowRelease.raised.store(true, ordering: .relaxed)
        while server.unfinishedBackgroundWork > 0 { usleep(1_000) }
    }

    @Test func idleKeepAliveConnectionsDoNotHoldUpAStop() throws {
        let server = try server(fastAnswered: Flag(), slowRelease: Flag())
        var idle: [RawConnection] = []
        for _ in 0..<5 {
            let connection = try RawConnection(port: server.port, timeoutSeconds: 20)
            connection.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(connection.readResponse()?.status == 200)
            idle.append(connection)
        }
        // A grace of an hour: stop must notice that nothing is in flight, not wait it out.
        server.stop(graceSeconds: 3600)
        var buffer = [UInt8](repeating: 0, count: 16)
        for connection in idle { #expect(read(connection.fd, &buffer, buffer.count) == 0) }
    }
}

@Suite struct StreamedBodyTests {
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    /// Held by a producer only, so its deinit tells that the server released the producer.
    final class Probe: Sendable {
        let pulls: Counter
        let released: BackgroundLaneTests.Flag
        init(pulls: Counter, released: BackgroundLaneTests.Flag) {
            self.pulls = pulls
            self.released = released
        }
        deinit { released.raised.store(true, ordering: .relaxed) }
    }

    /// Endless 64 KiB chunks, bounded (1 GiB) so that a producer the server never stops still ends.
    static func endless(_ probe: Probe) -> HTTPBodyStream {
        HTTPBodyStream {
            guard probe.pulls.value.add(1, ordering: .relaxed).newValue <= 16_384 else { return nil }
            return [UInt8](repeating: 0x61, count: 64 << 10)
        }
    }

    func server(lane: HTTPLane = .inline, stream: @escaping @Sendable () -> HTTPBodyStream) throws -> HTTPServer {
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configuration.threads = 2
        let selector: HTTPLaneSelector = { _ in lane }
        return try HTTPServer(configuration: configuration, lane: selector) { _ in
            HTTPResponse(status: 200, contentType: "application/octet-stream", stream: stream())
        }
    }

    /// Waits for `flag`, within a bound so that a broken release fails instead of hanging.
    func eventually(_ flag: BackgroundLaneTests.Flag) -> Bool {
        for _ in 0..<1000 where !flag.raised.load(ordering: .relaxed) { usleep(10_000) }
        return flag.raised.load(ordering: .relaxed)
    }

    static let total = 3 << 20

    static func byte(at offset: Int) -> UInt8 { UInt8(truncatingIfNeeded: offset % 251) }

    /// 3 MiB in 1,000 pieces of uneven size, with an empty chunk after every tenth.
    static func pieces() -> HTTPBodyStream {
        var piece = 0
        var emptyNext = false
        return HTTPBodyStream {
            if emptyNext {
                emptyNext = false
                return []
            }
            guard piece < 1000 else { return nil }
            let range = (total * piece / 1000)..<(total * (piece + 1) / 1000)
            piece += 1
            emptyNext = piece % 10 == 0
            return range.map(byte(at:))
        }
    }

    @Test(arguments: [HTTPLane.inline, .background])
    func aBodyOfManyChunksArrivesCompleteAndInOrder(lane: HTTPLane) throws {
        let server = try server(lane: lane) { Self.pieces() }
        defer { server.stop() }
        let response = try HTTPClient.send(method: "GET", url: server.url + "/export")
        #expect(response.status == 200)
        #expect(response.header("Transfer-Encoding") == "chunked")
        #expect(response.header("Content-Length") == nil)
        #expect(response.body.count == Self.total)
        #expect(response.body == (0..<Self.total).map(Self.byte(at:)))
    }

    @Test func anHTTP10ClientGetsTheBodyEndedByClosingTheConnection() throws {
        let server = try server { Self.pieces() }
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        connection.send("GET /export HTTP/1.0\r\n\r\n")
        let received = connection.readToEnd()
        let end = try #require(received.indices.first { received[$0...].starts(with: [13, 10, 13, 10]) })
        let head = String(decoding: received[..<end], as: UTF8.self).lowercased()
        #expect(head.hasPrefix("http/1.0 200") || head.hasPrefix("http/1.1 200"))
        #expect(!head.contains("transfer-encoding"))
        #expect(Array(received[(end + 4)...]) == (0..<Self.total).map(Self.byte(at:)))
    }

    @Test func anEmptyStreamGivesAnEmpty200AndKeepsTheConnection() throws {
        let server = try server { HTTPBodyStream { nil } }
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        for _ in 0..<2 {
            connection.send("GET /empty HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try #require(connection.readResponse())
            #expect(response.status == 200)
            #expect(response.headers.lowercased().contains("transfer-encoding: chunked"))
            #expect(response.body.isEmpty)
        }
    }

    @Test func aClientThatHangsUpReleasesTheProducer() throws {
        let pulls = Counter()
        let released = BackgroundLaneTests.Flag()
        let server = try server { Self.endless(Probe(pulls: pulls, released: released)) }
        defer { server.stop() }
        do {
            let connection = try RawConnection(port: server.port)
            connection.send("GET /endless HTTP/1.1\r\nHost: x\r\n\r\n")
            var buffer = [UInt8](repeating: 0, count: 64 << 10)
            var received = 0
            while received < 1 << 20 {
                let count = read(connection.fd, &buffer, buffer.count)
                try #require(count > 0)
                received += count
            }
        }  // closes the connection with data unread, so the server's next write fails
        #expect(eventually(released))
        #expect(pulls.value.load(ordering: .relaxed) < 16_384, "stopped early, not run to its end")
    }

    @Test func aHeadRequestNeverCallsTheProducer() throws {
        let pulls = Counter()
        let released = BackgroundLaneTests.Flag()
        let server = try server { Self.endless(Probe(pulls: pulls, released: released)) }
        defer { server.stop() }
        let response = try HTTPClient.send(method: "HEAD", url: server.url + "/endless")
        #expect(response.status == 200)
        #expect(response.header("Transfer-Encoding") == "chunked", "the GET's framing")
        #expect(response.body.isEmpty)
        #expect(eventually(released))
        #expect(pulls.value.load(ordering: .relaxed) == 0)
    }

    struct ProducerFailed: Error {}

    @Test func aProducerThatThrowsBreaksTheTransfer() throws {
        let server = try server {
            var pulls = 0
            return HTTPBodyStream {
                pulls += 1
                guard pulls <= 3 else { throw ProducerFailed() }
                return [UInt8](repeating: 0x62, count: 10_000)
            }
        }
        defer { server.stop() }
        // Not a short body taken for complete: the final chunk never comes.
        #expect(throws: HTTPClient.Failure.self) { try HTTPClient.send(method: "GET", url: server.url + "/failing") }
    }

    @Test func nextHandsOutTheChunksInOrderSkippingEmptyOnes() throws {
        var chunks: [[UInt8]] = [[1, 2], [], [3], []]
        let stream = HTTPBodyStream { chunks.isEmpty ? nil : chunks.removeFirst() }
        #expect(try stream.next() == [1, 2])
        #expect(try stream.next() == [3])
        #expect(try stream.next() == nil)
        #expect(try stream.next() == nil, "still the end, without asking the producer again")
    }
}
