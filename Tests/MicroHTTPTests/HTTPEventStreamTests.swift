import Glibc
import MicroHTTP
import Synchronization
import Testing

/// A queue of lines an event stream sends, fed by the test.
final class EventSource: Sendable {
    private let state = Mutex<(lines: [String], ended: Bool, closed: Int, pulls: Int)>(([], false, 0, 0))
    /// Weak, as an application's registry of streams to wake should be: the server owns the stream.
    private struct Current {
        weak var stream: HTTPEventStream?
    }
    private let current = Mutex(Current())

    var closed: Int { state.withLock { $0.closed } }
    var pulls: Int { state.withLock { $0.pulls } }

    func makeStream() -> HTTPEventStream {
        let made = HTTPEventStream(
            { [self] in
                state.withLock { state -> HTTPEventStream.Next in
                    state.pulls += 1
                    if !state.lines.isEmpty {
                        defer { state.lines = [] }
                        return .data(Array(state.lines.joined().utf8))
                    }
                    return state.ended ? .end : .wait(until: nil)
                }
            }, onClose: { [self] in state.withLock { $0.closed += 1 } })
        current.withLock { $0.stream = made }
        return made
    }

    /// Adds a line (and ends the stream after it, if asked), then wakes the stream.
    func send(_ line: String, end: Bool = false) {
        state.withLock {
            $0.lines.append(line)
            $0.ended = end
        }
        current.withLock { $0.stream }?.wake()
    }
}

@Suite(.serialized) struct HTTPEventStreamTests {
    /// One worker thread, so a waiting stream that held it would block every other request.
    func server(_ source: EventSource) throws -> HTTPServer {
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configuration.threads = 1
        return try HTTPServer(configuration: configuration) { request in
            guard request.path == "/events" else {
                return HTTPResponse(status: 200, contentType: "text/plain", body: Array("ok".utf8))
            }
            return HTTPResponse(status: 200, contentType: "application/json", events: source.makeStream())
        }
    }

    func waitFor(_ condition: () -> Bool) -> Bool {
        for _ in 0..<300 where !condition() { usleep(10_000) }
        return condition()
    }

    @Test func aWaitingStreamHoldsNoThreadAndSendsWhatItIsWokenFor() throws {
        let source = EventSource()
        let server = try server(source)
        defer { server.stop() }
        source.send("first\n")
        let events = try RawConnection(port: server.port)
        events.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(waitFor { server.eventStreamCount == 1 && source.pulls >= 2 })
        // The only worker thread is free: another connection is answered while the stream waits.
        let other = try RawConnection(port: server.port)
        other.send("GET /other HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(other.readResponse()?.body == "ok")
        // Waiting costs no pulls (no busy loop).
        let pulls = source.pulls
        usleep(200_000)
        #expect(source.pulls == pulls)
        source.send("second\n")
        source.send("third\n", end: true)
        let response = try #require(events.readResponse())
        #expect(response.status == 200)
        #expect(response.body == "first\nsecond\nthird\n")
        #expect(waitFor { source.closed == 1 && server.eventStreamCount == 0 })
    }

    @Test func aClientThatHangsUpWhileTheStreamWaitsIsNoticedAndReleased() throws {
        let source = EventSource()
        let server = try server(source)
        defer { server.stop() }
        do {
            let events = try RawConnection(port: server.port)
            events.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(waitFor { server.eventStreamCount == 1 && source.pulls >= 1 })
        }  // closed here, with no event to send
        #expect(waitFor { source.closed == 1 && server.eventStreamCount == 0 })
    }

    @Test func stoppingTheServerEndsWaitingStreams() throws {
        let source = EventSource()
        let server = try server(source)
        let events = try RawConnection(port: server.port)
        events.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(waitFor { server.eventStreamCount == 1 && source.pulls >= 1 })
        server.stop(graceSeconds: 5)
        #expect(events.readResponse()?.status == 200)  // a complete, empty body
        #expect(source.closed == 1)
    }

    @Test func aHeadRequestSendsNoBodyAndReleasesTheStream() throws {
        let source = EventSource()
        let server = try server(source)
        defer { server.stop() }
        let events = try RawConnection(port: server.port)
        events.send("HEAD /events HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(waitFor { source.closed == 1 })
        #expect(source.pulls == 0)
    }
}
