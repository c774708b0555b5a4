public import MicroHTTP

extension Router {
    /// The answers the HTTP server gives by itself (a body over the limit, too many background
    /// requests, shutting down), as Kubernetes `Status` objects like every other failure of the
    /// API. For ``HTTPServerConfiguration/responses``.
    public static let serverResponses = HTTPServerResponses(
        payloadTooLarge: APIError.requestEntityTooLarge("request body is larger than the server's limit").response,
        overloaded: retryingAfter(1, APIError.unavailable("too many requests are being processed; try again")),
        shuttingDown: retryingAfter(5, APIError.unavailable("the server is shutting down; the request may still complete")))

    /// With `Retry-After` in the header only: the server's own 503s carry no `details`.
    private static func retryingAfter(_ seconds: Int, _ error: APIError) -> HTTPResponse {
        var response = error.response
        response.headers.append(("Retry-After", String(seconds)))
        return response
    }
}
