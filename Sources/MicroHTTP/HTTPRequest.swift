/// One HTTP request as received, copied out of libmicrohttpd into Swift values.
public struct HTTPRequest: Sendable {
    /// The request method, upper case (`GET`, `POST`, ...).
    public var method: String
    /// The decoded path without the query string.
    public var path: String
    /// Query parameters; a parameter given twice keeps its last value.
    public var query: [String: String]
    /// Header fields with lower-cased names.
    public var headers: [String: String]
    /// The request body.
    public var body: [UInt8]

    public init(
        method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:],
        body: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.query = query
        var lowered: [String: String] = [:]
        for (name, value) in headers { lowered[name.lowercased()] = value }
        self.headers = lowered
        self.body = body
    }

    /// For the server, whose header names arrive lower-cased already.
    init(method: String, path: String, query: [String: String], lowercasedHeaders: [String: String], body: [UInt8]) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = lowercasedHeaders
        self.body = body
    }

    /// The value of a header field, by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers[name] ?? headers[name.lowercased()]
    }
}
