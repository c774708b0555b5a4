import MicroHTTP
import PolicyAPI
import PolicyCore
import PolicyStore
import Testing

/// The connectivity page's routes. What the page draws is checked in a browser by
/// `scripts/ui-check.py`; these check what a browser is sent.
@Suite struct UIRoutesTests {
    func router(accessControl: AccessControl = AccessControl()) throws -> Router {
        let repository = try PolicyRepository(
            path: ":memory:", migrations: try Migration.load(from: repositoryRoot + "/migrations"))
        return Router(
            service: try PolicyService(repository: repository), version: "test",
            options: RouterOptions(accessControl: accessControl), logger: quietLogger)
    }

    func get(_ router: Router, _ path: String, method: String = "GET", token: String? = nil) -> HTTPResponse {
        router.handle(
            HTTPRequest(method: method, path: path, headers: token.map { ["Authorization": "Bearer \($0)"] } ?? [:]))
    }

    @Test func thePageIsHTMLThatMayLoadNothingFromElsewhere() throws {
        let response = get(try router(), "/ui")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/html; charset=utf-8")
        let policy = try #require(response.header("Content-Security-Policy"))
        #expect(policy.hasPrefix("default-src 'self';"))
        #expect(policy.contains("frame-ancestors 'none'"))
        #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"))
        #expect(response.header("X-Content-Type-Options") == "nosniff")
        #expect(response.bodyText.hasPrefix("<!doctype html>"))
        #expect(response.bodyText.contains(#"<script src="/ui/app.js" defer></script>"#))
        #expect(response.bodyText.contains(#"<link rel="stylesheet" href="/ui/app.css">"#))
    }

    @Test func theScriptAndStyleAreServedUnderTheSamePolicy() throws {
        let router = try router()
        for (path, type) in [("/ui/app.js", "text/javascript; charset=utf-8"), ("/ui/app.css", "text/css; charset=utf-8")] {
            let response = get(router, path)
            #expect(response.status == 200, "\(path)")
            #expect(response.header("Content-Type") == type)
            #expect(response.header("Content-Security-Policy")?.hasPrefix("default-src 'self';") == true)
            #expect(!response.body.isEmpty)
        }
        // A trailing slash names the page too, as for every fixed route.
        #expect(get(router, "/ui/").header("Content-Type") == "text/html; charset=utf-8")
        #expect(get(router, "/ui/other.js").status == 404)
    }

    @Test func headIsAnsweredAndWritesAreNot() throws {
        let router = try router()
        let head = get(router, "/ui", method: "HEAD")
        #expect(head.status == 200)
        #expect(head.header("Content-Type") == "text/html; charset=utf-8")
        #expect(get(router, "/ui", method: "POST").status == 405)
        #expect(get(router, "/ui/app.js", method: "DELETE").status == 405)
    }

    @Test func thePageNeedsNoTokenButTheAPIStillDoes() throws {
        let router = try router(accessControl: AccessControl(adminToken: "admin-0123456789", readToken: "read-0123456789"))
        for path in ["/ui", "/ui/app.js", "/ui/app.css"] {
            #expect(get(router, path).status == 200, "\(path)")
        }
        #expect(get(router, "/api/v1/pods").status == 401)
        #expect(get(router, "/api/v1/pods", token: "read-0123456789").status == 200)
    }

    /// No document names another origin: every URL the page uses is a path on this server.
    @Test func theDocumentsReferenceNoOtherOrigin() throws {
        let router = try router()
        for path in ["/ui", "/ui/app.js", "/ui/app.css"] {
            let text = get(router, path).bodyText
            let patterns = [
                #"src="http"#, #"href="http"#, #"src="//"#, #"href="//"#, "url(http", "url(//", "@import", "fetch('http",
            ]
            for pattern in patterns {
                #expect(!text.contains(pattern), "\(path) contains \(pattern)")
            }
        }
    }

    /// Every element the script looks up by id is in the document, so a renamed id cannot leave
    /// the script reading null.
    @Test func everyIdTheScriptUsesIsInTheDocument() throws {
        let router = try router()
        let html = get(router, "/ui").bodyText
        let script = get(router, "/ui/app.js").bodyText
        var ids: Set<String> = []
        // Literal lookups only: `$(`${id}-count`)` and the like are built from ids listed literally.
        for chunk in script.split(separator: "$('").dropFirst() {
            let id = chunk.prefix { $0 != "'" }
            if !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) { ids.insert(String(id)) }
        }
        #expect(ids.count > 20)
        for id in ids.sorted() {
            #expect(html.contains("id=\"\(id)\""), "app.js looks up #\(id), which /ui does not have")
        }
    }
}
