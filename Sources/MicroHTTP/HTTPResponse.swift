/// One HTTP response to be sent.
public struct HTTPResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header fields to send, in order.
    public var headers: [(name: String, value: String)]
    /// The response body.
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response with a body of the given content type.
    public init(status: Int, contentType: String, body: [UInt8]) {
        var headers: [(name: String, value: String)] = []
        // Room for the headers the application usually adds (a request id), so appending does not copy.
        headers.reserveCapacity(4)
        headers.append(("Content-Type", contentType))
        self.init(status: status, headers: headers, body: body)
    }

    /// The value of a header field, by case-insensitive name.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// The body read as UTF-8 text.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
