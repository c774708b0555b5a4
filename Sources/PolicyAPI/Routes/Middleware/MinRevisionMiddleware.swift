import MicroHTTP
import PolicyCore

/// Read-your-writes across replicas: a request naming a revision (`minRevision=N`, or the header
/// `X-Netpold-Min-Revision: N`) is answered once this replica has applied revision N, or, after
/// `wait`, refused with `504` saying how far behind the replica is. The revision a write returns
/// is its `metadata.resourceVersion` (or an import's `revision`).
struct MinRevisionMiddleware {
    let service: PolicyService
    let wait: Duration

    static let queryName = "minRevision"
    static let headerName = "x-netpold-min-revision"

    /// Whether the request names a revision (it may have to wait, so it leaves the event loop).
    static func asksForRevision(_ request: HTTPRequest) -> Bool {
        request.query[queryName] != nil || request.headers[headerName] != nil
    }

    /// The revision the request asks for, if any.
    /// - Throws: `400` when it is not a whole number ≥ 0 (as Kubernetes answers a malformed query parameter).
    static func minimumRevision(_ request: HTTPRequest) throws(APIError) -> Int64? {
        let (field, text): (String, String)
        if let value = request.query[queryName] {
            (field, text) = (queryName, value)
        } else if let value = request.headers[headerName] {
            (field, text) = ("X-Netpold-Min-Revision", value)
        } else {
            return nil
        }
        guard let revision = Int64(text), revision >= 0 else {
            throw APIError.badRequest("\(field) must be a revision: a whole number ≥ 0 (got \"\(text)\")")
        }
        return revision
    }

    func handle(
        _ request: HTTPRequest, _ context: RequestContext, next: (HTTPRequest, RequestContext) throws -> HTTPResponse
    ) throws -> HTTPResponse {
        guard let wanted = try Self.minimumRevision(request) else { return try next(request, context) }
        guard service.awaitRevision(wanted, timeout: wait) else {
            let current = service.current.revision
            throw APIError.gatewayTimeout(
                "this replica is at revision \(current), \(wanted - current) behind minRevision \(wanted), and did not catch up within \(Self.describe(wait)); retry, or ask the replica that wrote it",
                retryAfterSeconds: 1)
        }
        // Routes that refuse parameters they do not know must not see this one.
        var request = request
        request.query[Self.queryName] = nil
        return try next(request, context)
    }

    static func describe(_ duration: Duration) -> String {
        let milliseconds = duration.wholeMilliseconds
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)s" : "\(milliseconds)ms"
    }
}
