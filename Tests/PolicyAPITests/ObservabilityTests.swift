import MicroHTTP
import PolicyAPI
import PolicyCore
import PolicyStore
import Synchronization
import Testing

/// Collects audit lines in memory.
final class MemoryRecorder: DecisionRecorder {
    let lines = Mutex<[String]>([])
    func record(_ line: [UInt8]) { lines.withLock { $0.append(String(decoding: line, as: UTF8.self)) } }
}

@Suite struct ObservabilityTests {
    func harness(recorder: MemoryRecorder? = nil) throws -> Router {
        let repository = try PolicyRepository(
            path: ":memory:", migrations: try Migration.load(from: repositoryRoot + "/migrations"))
        return Router(
            service: try PolicyService(repository: repository), version: "test",
            options: RouterOptions(decisionRecorder: recorder, openAPI: "openapi: 3.0.3\n"), logger: quietLogger)
    }

    @Test func requestIdsAreEchoedOrGenerated() throws {
        let router = try harness()
        let echoed = router.handle(HTTPRequest(method: "GET", path: "/healthz", headers: ["X-Request-Id": "trace-42"]))
        #expect(echoed.header("X-Request-Id") == "trace-42")
        let generated = router.handle(HTTPRequest(method: "GET", path: "/healthz"))
        #expect(generated.header("X-Request-Id")?.count == 16)
        let hostile = router.handle(HTTPRequest(method: "GET", path: "/healthz", headers: ["X-Request-Id": "a\"b"]))
        #expect(hostile.header("X-Request-Id") != "a\"b")
    }

    @Test func metricsCountRequestsDecisionsAndObjects() throws {
        let router = try harness()
        _ = router.handle(HTTPRequest(method: "POST", path: "/api/v1/namespaces", body: Array(namespaceX.utf8)))
        _ = router.handle(
            HTTPRequest(method: "GET", path: "/v1/decide", query: ["from": "1.1.1.1", "to": "2.2.2.2", "port": "80"]))
        _ = router.handle(HTTPRequest(method: "GET", path: "/api/v1/namespaces/nope"))
        let text = router.handle(HTTPRequest(method: "GET", path: "/metrics")).bodyText
        #expect(text.contains(#"netpold_http_requests_total{route="/api/v1/namespaces",method="POST",code="201"} 1"#))
        #expect(text.contains(#"netpold_http_requests_total{route="/api/v1/namespaces/{name}",method="GET",code="404"} 1"#))
        #expect(text.contains(#"netpold_decisions_total{result="allowed"} 1"#))
        #expect(text.contains(#"netpold_objects{kind="Namespace",apiVersion="v1"} 1"#))
        #expect(text.contains("netpold_revision 1"))
        #expect(text.contains(#"netpold_http_request_duration_seconds_bucket{route="/v1/decide",le="+Inf"} 1"#))
    }

    @Test func everyDecisionIsAudited() throws {
        let recorder = MemoryRecorder()
        let router = try harness(recorder: recorder)
        _ = router.handle(
            HTTPRequest(
                method: "GET", path: "/v1/decide", query: ["from": "1.1.1.1", "to": "2.2.2.2", "port": "53", "protocol": "UDP"],
                headers: ["X-Request-Id": "r1"]))
        let line = try #require(recorder.lines.withLock { $0.first })
        let record = try JSONParser.parse(line)
        #expect(record["requestId"] == .string("r1"))
        #expect(record["protocol"] == .string("UDP"))
        #expect(record["port"] == .integer(53))
        #expect(record["allowed"] == .bool(true))
        #expect(record["source"]?["ip"] == .string("1.1.1.1"))
        #expect(record["time"]?.stringValue?.hasSuffix("Z") == true)
    }

    @Test func theOpenAPIDocumentIsServed() throws {
        let response = try harness().handle(HTTPRequest(method: "GET", path: "/openapi.yaml"))
        #expect(response.status == 200)
        #expect(response.bodyText.hasPrefix("openapi: 3"))
    }
}
