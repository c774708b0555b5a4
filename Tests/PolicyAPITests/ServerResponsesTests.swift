import MicroHTTP
import PolicyAPI
import PolicyCore
import Testing

@Suite struct ServerResponsesTests {
    /// The Statuses MicroHTTP used to hard-code, now given to it by netpold.
    @Test func theServersOwnAnswersAreKubernetesStatuses() throws {
        let responses = Router.serverResponses
        let cases: [(HTTPResponse, Int, String?, String)] = [
            (
                responses.payloadTooLarge, 413, nil,
                #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"request body is larger than the server's limit","reason":"RequestEntityTooLarge","code":413}"#
            ),
            (
                responses.overloaded, 503, "1",
                #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too many requests are being processed; try again","reason":"ServiceUnavailable","code":503}"#
            ),
            (
                responses.shuttingDown, 503, "5",
                #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server is shutting down; the request may still complete","reason":"ServiceUnavailable","code":503}"#
            ),
        ]
        for (response, code, retryAfter, body) in cases {
            #expect(response.status == code)
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.header("Retry-After") == retryAfter)
            #expect(try JSONParser.parse(response.body) == JSONParser.parse(body))
        }
    }

    /// Over a socket, as `serve` wires it: a body over the limit never reaches the router.
    @Test func aBodyOverTheLimitIsRefusedWithTheStatus() throws {
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configuration.maxBodyBytes = 100
        configuration.responses = Router.serverResponses
        let router = try APIHarness().router
        let server = try HTTPServer(configuration: configuration, lane: Router.lane(for:)) { router.handle($0) }
        defer { server.stop() }
        let response = try HTTPClient.send(
            method: "POST", url: server.url + "/v1/import", headers: [("Content-Type", "application/json")],
            body: Array(String(repeating: " ", count: 200).utf8))
        #expect(response.status == 413)
        #expect(try JSONParser.parse(response.body) == JSONParser.parse(Router.serverResponses.payloadTooLarge.body))
        let small = try HTTPClient.send(method: "GET", url: server.url + "/nope")
        #expect(small.status == 404)
    }
}
