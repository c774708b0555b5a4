import MicroHTTP

extension Router {
    /// The page's documents may load and call nothing but this origin: no other site's script,
    /// style, font or frame, no inline script, no plugin, and no framing by another page (the
    /// token in localStorage is the page's to send, nobody else's). `data:` images are the favicon.
    static let pageSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; "
        + "frame-ancestors 'none'"

    /// One of the connectivity page's documents (``ConnectivityPage``), the same bytes every time.
    static func pageResponse(_ route: FixedRoute) -> HTTPResponse {
        let (contentType, body): (String, [UInt8]) =
            switch route {
            case .pageScript: ("text/javascript; charset=utf-8", ConnectivityPage.script)
            case .pageStyle: ("text/css; charset=utf-8", ConnectivityPage.style)
            default: ("text/html; charset=utf-8", ConnectivityPage.html)
            }
        var response = HTTPResponse(status: 200, contentType: contentType, body: body)
        response.headers.append(("Content-Security-Policy", pageSecurityPolicy))
        response.headers.append(("X-Content-Type-Options", "nosniff"))
        response.headers.append(("Referrer-Policy", "no-referrer"))
        // Fetched again on each load, so a browser never runs an old script against a new server.
        response.headers.append(("Cache-Control", "no-cache"))
        return response
    }
}
