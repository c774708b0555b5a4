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

    /// Reads one response (headers plus a Content-Length body).
    func readResponse() -> (status: Int, headers: String, body: String)? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            if let end = data.indices.first(where: { data[$0...].starts(with: [13, 10, 13, 10]) }) {
                let head = String(decoding: data[..<end], as: UTF8.self)
                let lengthLine = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                let length = lengthLine.flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: " ")) } ?? 0
                while data.count < end + 4 + length {
                    let count = read(fd, &buffer, buffer.count)
                    if count <= 0 { return nil }
                    data.append(contentsOf: buffer[0..<count])
                }
                let status = Int(head.split(separator: " ")[1]) ?? 0
                return (status, head, String(decoding: data[(end + 4)..<(end + 4 + length)], as: UTF8.self))
            }
            let count = read(fd, &buffer, buffer.count)
            if count <= 0 { return nil }
            data.append(contentsOf: buffer[0..<count])
        }
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
