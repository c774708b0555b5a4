import Dispatch
import MicroHTTP
import PolicyAPI
import PolicyCore
import Testing

/// Read-your-writes across replicas: a request naming a revision is answered once the replica has
/// it, and otherwise refused with 504 after the configured wait.
@Suite struct MinRevisionTests {
    func harness(wait: Duration) throws -> APIHarness {
        var options = RouterOptions()
        options.minRevisionWait = wait
        let api = try APIHarness(options: options)
        api.send("POST", "/api/v1/namespaces", namespaceX)
        api.send("POST", "/api/v1/namespaces/x/pods", podJSON("a", ip: "10.0.0.1"))
        return api
    }

    @Test func aRevisionAlreadyReachedIsAnsweredAtOnce() throws {
        let api = try harness(wait: .seconds(2))
        #expect(api.send("GET", "/v1/decide?from=x/a&to=x/a&port=80&minRevision=2").json["revision"] == .integer(2))
        #expect(api.send("GET", "/api/v1/namespaces/x/pods/a?minRevision=0").status == 200)
    }

    @Test func aRevisionNotReachedIsRefusedWith504SayingHowFarBehind() throws {
        let api = try harness(wait: .milliseconds(50))
        let answer = api.send("GET", "/api/v1/namespaces/x/pods/a?minRevision=7")
        #expect(answer.status == 504)
        #expect(answer.json["reason"] == .string("Timeout"))
        #expect(answer.json["message"]?.stringValue?.contains("at revision 2, 5 behind minRevision 7") == true)
        #expect(answer.json["details"]?["retryAfterSeconds"] == .integer(1))
    }

    @Test func routesThatRefuseUnknownParametersAcceptIt() throws {
        let api = try harness(wait: .seconds(2))
        #expect(api.send("GET", "/v1/lint?minRevision=2").status == 200)
        #expect(api.send("GET", "/v1/reachability?to=x/a&minRevision=2").status == 200)
    }

    @Test func theHeaderWorksAsTheQueryParameter() throws {
        let api = try harness(wait: .milliseconds(50))
        let response = api.router.handle(
            HTTPRequest(method: "GET", path: "/api/v1/namespaces/x/pods/a", headers: ["X-Netpold-Min-Revision": "3"], body: []))
        #expect(response.status == 504)
        let reached = api.router.handle(
            HTTPRequest(method: "GET", path: "/api/v1/namespaces/x/pods/a", headers: ["X-Netpold-Min-Revision": "2"], body: []))
        #expect(reached.status == 200)
    }

    @Test func aWaitingRequestIsAnsweredWhenTheRevisionIsPublished() throws {
        let api = try harness(wait: .seconds(30))
        let answered = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var status = 0
        DispatchQueue.global().async {
            status = api.send("GET", "/v1/decide?from=x/a&to=x/b&port=80&minRevision=3").status
            answered.signal()
        }
        // The waiting request cannot be answered before pod b exists (revision 3).
        #expect(answered.wait(timeout: .now() + .milliseconds(100)) == .timedOut)
        api.send("POST", "/api/v1/namespaces/x/pods", podJSON("b", ip: "10.0.0.2"))
        #expect(answered.wait(timeout: .now() + .seconds(20)) == .success)
        #expect(status == 200)
    }

    @Test func aRevisionThatIsNotANumberIsRefusedNamingIt() throws {
        let api = try harness(wait: .seconds(2))
        let answer = api.send("GET", "/v1/decide?from=x/a&to=x/a&port=80&minRevision=soon")
        #expect(answer.status == 400)
        #expect(answer.json["message"]?.stringValue?.contains("minRevision must be a revision") == true)
        #expect(api.send("GET", "/v1/decide?from=x/a&to=x/a&port=80&minRevision=-1").status == 400)
    }

    @Test func requestsNamingARevisionLeaveTheEventLoop() {
        #expect(
            Router.lane(for: HTTPRequest(method: "POST", path: "/v1/decide", query: ["minRevision": "4"], body: []))
                == .background)
        #expect(
            Router.lane(for: HTTPRequest(method: "POST", path: "/v1/decide", headers: ["X-Netpold-Min-Revision": "4"], body: []))
                == .background)
        #expect(Router.lane(for: HTTPRequest(method: "POST", path: "/v1/decide", body: [])) == .inline)
    }
}
