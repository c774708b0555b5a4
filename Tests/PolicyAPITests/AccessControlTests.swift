import MicroHTTP
import PolicyAPI
import PolicyCore
import PolicyStore
import Testing

@Suite struct AccessControlTests {
    static let admin = "admin-token-0123456789abcdef"
    static let reader = "read-token-0123456789abcdef"

    func router(admin: String? = AccessControlTests.admin, reader: String? = AccessControlTests.reader) throws -> Router {
        let repository = try PolicyRepository(
            path: ":memory:", migrations: try Migration.load(from: repositoryRoot + "/migrations"))
        return Router(
            service: try PolicyService(repository: repository), version: "test",
            options: RouterOptions(accessControl: AccessControl(adminToken: admin, readToken: reader)), logger: quietLogger)
    }

    func send(
        _ router: Router, _ method: String, _ path: String, token: String?, body: String = "", query: [String: String] = [:]
    ) -> HTTPResponse {
        var headers: [String: String] = [:]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        return router.handle(HTTPRequest(method: method, path: path, query: query, headers: headers, body: Array(body.utf8)))
    }

    @Test func writesNeedTheAdminToken() throws {
        let router = try router()
        let anonymous = send(router, "POST", "/api/v1/namespaces", token: nil, body: namespaceX)
        #expect(anonymous.status == 401)
        #expect(anonymous.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
        #expect(send(router, "POST", "/api/v1/namespaces", token: "wrong-token-0123456789", body: namespaceX).status == 401)
        #expect(send(router, "POST", "/api/v1/namespaces", token: Self.reader, body: namespaceX).status == 403)
        #expect(send(router, "POST", "/v1/import", token: nil, body: "").status == 401)
        #expect(send(router, "POST", "/api/v1/namespaces", token: Self.admin, body: namespaceX).status == 201)
        #expect(send(router, "DELETE", "/api/v1/namespaces/x", token: Self.reader).status == 403)
    }

    @Test func readsAndDecisionsNeedTheReadTokenOrTheAdminToken() throws {
        let router = try router()
        let query = ["from": "1.1.1.1", "to": "2.2.2.2", "port": "80"]
        #expect(send(router, "GET", "/v1/decide", token: nil, query: query).status == 401)
        #expect(send(router, "GET", "/v1/decide", token: Self.reader, query: query).status == 200)
        #expect(send(router, "GET", "/v1/decide", token: Self.admin, query: query).status == 200)
        #expect(send(router, "POST", "/v1/decide/batch", token: nil, body: #"{"items":[]}"#).status == 401)
        #expect(send(router, "GET", "/api/v1/namespaces", token: nil).status == 401)
        #expect(send(router, "GET", "/v1/export", token: Self.reader).status == 200)
        #expect(send(router, "GET", "/metrics", token: nil).status == 401)
    }

    @Test func probesStayOpen() throws {
        let router = try router()
        for path in ["/healthz", "/readyz", "/version"] { #expect(send(router, "GET", path, token: nil).status == 200) }
    }

    @Test func withOnlyAnAdminTokenReadsAreOpen() throws {
        let router = try router(reader: nil)
        #expect(send(router, "GET", "/api/v1/namespaces", token: nil).status == 200)
        #expect(send(router, "POST", "/api/v1/namespaces", token: nil, body: namespaceX).status == 401)
    }
}
