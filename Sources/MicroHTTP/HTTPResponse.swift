/// One HTTP response to be sent.
public struct HTTPResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header fields to send, in order.
    public var headers: [(name: String, value: String)]
    /// The response body; not sent when ``stream`` is set.
    public var body: [UInt8]
    /// A body written as it is produced, sent instead of ``body`` with chunked transfer encoding
    /// (HTTP/1.0 clients: ended by closing the connection); its length is never known in advance.
    public var stream: HTTPBodyStream?
    /// A body that may wait for data without holding a thread (a watch), sent instead of ``body``
    /// and ``stream``; see ``HTTPEventStream``.
    public var events: HTTPEventStream?

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
        self.stream = nil
    }

    /// A response whose body is written as it is produced.
    public init(status: Int, headers: [(name: String, value: String)] = [], stream: HTTPBodyStream) {
        self.status = status
        self.headers = headers
        self.body = []
        self.stream = stream
    }

    /// A response whose body is a stream of events that may wait between them.
    public init(status: Int, contentType: String, events: HTTPEventStream) {
        self.init(status: status, contentType: contentType, body: [])
        self.events = events
    }

    /// A response with a body of the given content type.
    public init(status: Int, contentType: String, body: [UInt8]) {
        var headers: [(name: String, value: String)] = []
        // Room for the headers the application usually adds (a request id), so appending does not copy.
        headers.reserveCapacity(4)
        headers.append(("Content-Type", contentType))
        self.init(status: status, headers: headers, body: body)
    }

    /// A response with a body of the given content type, written as it is produced.
    public init(status: Int, contentType: String, stream: HTTPBodyStream) {
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(4)
        headers.append(("Content-Type", contentType))
        self.init(status: status, headers: headers, stream: stream)
    }

    /// The value of a header field, by case-insensitive name.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// The body read as UTF-8 text (``body`` only: a ``stream`` is not read).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
