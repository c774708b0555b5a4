public import MicroHTTP
public import PolicyCore

/// What a client is told when its request fails: a Kubernetes `Status` (code, reason, message,
/// details), rendered in exactly one place, ``response``.
public struct APIStatus: Sendable, Equatable {
    /// The HTTP status code, repeated in the body as `code`.
    public var code: Int
    /// The Kubernetes reason: `NotFound`, `Invalid`, `Conflict`, ...
    public var reason: String
    public var message: String
    /// `details.kind` and `details.name`: the object the failure is about.
    public var kind: String?
    public var name: String?
    /// `details.causes`: one entry per field at fault.
    public var causes: [FieldError]
    /// Sent as `Retry-After` and `details.retryAfterSeconds` when the client should come back later.
    public var retryAfterSeconds: Int?

    public init(
        code: Int, reason: String, message: String, kind: String? = nil, name: String? = nil, causes: [FieldError] = [],
        retryAfterSeconds: Int? = nil
    ) {
        self.code = code
        self.reason = reason
        self.message = message
        self.kind = kind
        self.name = name
        self.causes = causes
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// The Kubernetes `Status` object.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "kind": .string("Status"), "apiVersion": .string("v1"), "metadata": .object([:]),
            "status": .string("Failure"), "message": .string(message), "reason": .string(reason),
            "code": .integer(Int64(code)),
        ]
        var details: [String: JSONValue] = [:]
        if let kind, !kind.isEmpty { details["kind"] = .string(kind) }
        if let name, !name.isEmpty { details["name"] = .string(name) }
        if !causes.isEmpty {
            details["causes"] = .array(
                causes.map {
                    .object(["field": .string($0.field), "reason": .string($0.reason), "message": .string($0.message)])
                })
        }
        if let retryAfterSeconds { details["retryAfterSeconds"] = .integer(Int64(retryAfterSeconds)) }
        if !details.isEmpty { object["details"] = .object(details) }
        return .object(object)
    }

    /// The HTTP response carrying the `Status`, with the headers its code calls for: `Retry-After`
    /// when the client should come back, and the Bearer challenge every 401 must carry.
    public var response: HTTPResponse {
        var response = HTTPResponse(status: code, contentType: "application/json", body: JSONWriter.bytes(json))
        if let retryAfterSeconds { response.headers.append(("Retry-After", String(retryAfterSeconds))) }
        if code == 401 { response.headers.append(("WWW-Authenticate", "Bearer realm=\"netpold\"")) }
        return response
    }
}
