/// The answers an ``HTTPServer`` gives by itself, without calling the handler. The server knows
/// when to give them, not what they say: an application whose errors have a shape of their own
/// (netpold's Kubernetes `Status`) passes its own in ``HTTPServerConfiguration/responses``.
public struct HTTPServerResponses: Sendable {
    /// To a request whose body is over ``HTTPServerConfiguration/maxBodyBytes``, declared or
    /// received; sent without reading the rest of the body, after which libmicrohttpd closes the connection.
    public var payloadTooLarge: HTTPResponse
    /// To a request for the background lane while ``HTTPServerConfiguration/maxBackgroundRequests``
    /// run already, or when no thread can be started for it.
    public var overloaded: HTTPResponse
    /// To a background request still running when ``HTTPServer/stop(graceSeconds:)`` stops
    /// waiting; the server adds `Connection: close`.
    public var shuttingDown: HTTPResponse

    public init(payloadTooLarge: HTTPResponse, overloaded: HTTPResponse, shuttingDown: HTTPResponse) {
        self.payloadTooLarge = payloadTooLarge
        self.overloaded = overloaded
        self.shuttingDown = shuttingDown
    }

    /// One line of plain text each, with the status code and `Retry-After` they call for.
    public static let plainText = HTTPServerResponses(
        payloadTooLarge: HTTPResponse(
            status: 413, contentType: "text/plain", body: Array("request body is larger than the server's limit\n".utf8)),
        overloaded: HTTPResponse(
            status: 503, headers: [("Content-Type", "text/plain"), ("Retry-After", "1")],
            body: Array("too many requests are being processed; try again\n".utf8)),
        shuttingDown: HTTPResponse(
            status: 503, headers: [("Content-Type", "text/plain"), ("Retry-After", "5")],
            body: Array("the server is shutting down; the request may still complete\n".utf8)))
}
