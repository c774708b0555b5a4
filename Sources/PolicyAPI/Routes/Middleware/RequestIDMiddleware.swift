import MicroHTTP

/// Gives every request an id, for the access log, the audit lines and the client: the client's own
/// `X-Request-Id` when it is acceptable, else a new one; the answer carries it back.
struct RequestIDMiddleware {
    /// The id a request goes by.
    static func id(for request: HTTPRequest) -> String {
        // `headers` holds lower-cased names, so one lookup is `header(_:)`'s answer.
        RequestID.accept(request.headers["x-request-id"]) ?? RequestID.make()
    }

    func handle(
        _ request: HTTPRequest, _ context: RequestContext, next: (HTTPRequest, RequestContext) -> HTTPResponse
    ) -> HTTPResponse {
        var response = next(request, context)
        response.headers.append(("X-Request-Id", context.requestID))
        return response
    }
}
