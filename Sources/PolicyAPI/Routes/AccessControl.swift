import MicroHTTP
import PolicyCore

/// Bearer-token access control: an admin token guards writes, a read token guards reads and decisions.
public struct AccessControl: Sendable {
    /// Required for object writes and imports (`--admin-token-file`); also accepted for reads.
    public var adminToken: String?
    /// Required for reads and decisions when set (`--read-token-file`).
    public var readToken: String?

    public init(adminToken: String? = nil, readToken: String? = nil) {
        self.adminToken = adminToken
        self.readToken = readToken
    }

    enum Access { case open, read, write }

    /// What a request needs: probes and the connectivity page's documents are open (the page is
    /// the same for everyone; its API calls carry the token), decisions and GETs read, everything
    /// else writes.
    static func access(method: String, fixedRoute: FixedRoute?) -> Access {
        switch fixedRoute {
        case .healthz, .readyz, .version, .page, .pageScript, .pageStyle: return .open
        case .decide, .decideBatch, .evaluateSelector: return .read
        default: return method == "GET" || method == "HEAD" ? .read : .write
        }
    }

    /// Throws 401 when the request lacks a token it needs, 403 when its token may only read.
    func authorize(method: String, fixedRoute: FixedRoute?, authorization: String?) throws(APIError) {
        let needed = AccessControl.access(method: method, fixedRoute: fixedRoute)
        let presented = AccessControl.bearer(authorization)
        let isAdmin = adminToken.map { token in presented.map { AccessControl.constantTimeEqual($0, token) } ?? false } ?? false
        switch needed {
        case .open: return
        case .write:
            guard adminToken != nil, !isAdmin else { return }
            if let readToken, let presented, AccessControl.constantTimeEqual(presented, readToken) {
                throw APIError.forbidden("the read token may not write; use the admin token")
            }
            throw APIError.unauthorized("writes need the admin token")
        case .read:
            guard let readToken else { return }
            if isAdmin { return }
            if let presented, AccessControl.constantTimeEqual(presented, readToken) { return }
            throw APIError.unauthorized("reads and decisions need the read token")
        }
    }

    /// The access step around a request: 401 without a token it needs, 403 when its token may
    /// only read; otherwise the request goes on.
    func handle(
        _ request: HTTPRequest, _ context: RequestContext, next: (HTTPRequest, RequestContext) throws -> HTTPResponse
    ) throws -> HTTPResponse {
        // Without tokens every request is let through: nothing to look up.
        if adminToken != nil || readToken != nil {
            // `headers` holds lower-cased names, so one lookup is `header(_:)`'s answer.
            try authorize(method: request.method, fixedRoute: context.fixedRoute, authorization: request.headers["authorization"])
        }
        return try next(request, context)
    }

    static func bearer(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1].trimmingWhitespace())
    }

    /// Compares without an early exit, so the time taken says nothing about where a guess went wrong.
    static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        let length = max(a.count, b.count)
        for index in 0..<length {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
