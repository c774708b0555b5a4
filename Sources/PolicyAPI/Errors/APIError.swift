public import PolicyCore
public import MicroHTTP

/// An error a client sees: an HTTP code, a Kubernetes reason, a message and optional causes.
/// Rendered as a Kubernetes `Status` in exactly one place, ``response``.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: Int
    public let reason: String
    public let message: String
    public var kind: String?
    public var name: String?
    public var causes: [FieldError]
    /// Sent as `Retry-After` and `details.retryAfterSeconds` when the client should come back later.
    public var retryAfterSeconds: Int?

    public init(code: Int, reason: String, message: String, kind: String? = nil, name: String? = nil, causes: [FieldError] = []) {
        self.code = code
        self.reason = reason
        self.message = message
        self.kind = kind
        self.name = name
        self.causes = causes
    }

    public var description: String { message }

    public static func badRequest(_ message: String, causes: [FieldError] = []) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message, causes: causes)
    }

    public static func notFound(_ resource: String, _ name: String, kind: String? = nil) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "\(resource) \"\(name)\" not found", kind: kind, name: name)
    }

    public static func routeNotFound(_ path: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource (\(path))")
    }

    public static func methodNotAllowed(_ method: String, _ path: String) -> APIError {
        APIError(code: 405, reason: "MethodNotAllowed", message: "\(method) is not supported on \(path)")
    }

    public static func alreadyExists(_ resource: String, _ name: String, kind: String) -> APIError {
        APIError(code: 409, reason: "AlreadyExists", message: "\(resource) \"\(name)\" already exists", kind: kind, name: name)
    }

    public static func conflict(_ resource: String, _ name: String, kind: String) -> APIError {
        APIError(
            code: 409, reason: "Conflict",
            message:
                "Operation cannot be fulfilled on \(resource) \"\(name)\": the object has been modified; please apply your changes to the latest version and try again",
            kind: kind, name: name)
    }

    public static func invalid(_ error: ValidationError, prefix: String = "") -> APIError {
        APIError(
            code: 422, reason: "Invalid", message: prefix + error.description, kind: error.kind,
            name: error.name.isEmpty ? nil : error.name, causes: error.causes)
    }

    public static func invalidField(_ field: String, _ message: String) -> APIError {
        APIError(
            code: 422, reason: "Invalid", message: "\(field): \(message)", causes: [.invalid(field, message)])
    }

    public static func unsupportedMediaType(_ type: String) -> APIError {
        APIError(
            code: 415, reason: "UnsupportedMediaType",
            message: "the body of the request was in an unknown format: \(type); accepted: application/json, application/yaml")
    }

    public static func internalError(_ message: String) -> APIError {
        APIError(code: 500, reason: "InternalError", message: "Internal error occurred: \(message)")
    }

    public static func tooManyRequests(_ message: String, retryAfterSeconds: Int) -> APIError {
        var error = APIError(code: 429, reason: "TooManyRequests", message: message)
        error.retryAfterSeconds = retryAfterSeconds
        return error
    }

    public static func unavailable(_ message: String) -> APIError {
        APIError(code: 503, reason: "ServiceUnavailable", message: message)
    }

    /// The Kubernetes `Status` object.
    public var status: JSONValue {
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

    /// The HTTP response carrying the `Status`.
    public var response: HTTPResponse {
        var response = HTTPResponse(status: code, contentType: "application/json", body: JSONWriter.bytes(status))
        if let retryAfterSeconds { response.headers.append(("Retry-After", String(retryAfterSeconds))) }
        return response
    }
}
