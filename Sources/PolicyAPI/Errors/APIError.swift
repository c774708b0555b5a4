public import MicroHTTP
public import PolicyCore

/// An error that is its own `Status`, as Kubernetes' `StatusError`: for failures the API layer
/// finds itself (a query parameter out of range, an unknown route, a method a route does not take),
/// and the catalogue of the Kubernetes failures this API answers with, which the other errors'
/// ``StatusReporting`` conformances use.
public struct APIError: StatusReporting, Sendable, Equatable, CustomStringConvertible {
    public var status: APIStatus

    public init(_ status: APIStatus) { self.status = status }

    public init(code: Int, reason: String, message: String, kind: String? = nil, name: String? = nil, causes: [FieldError] = []) {
        status = APIStatus(code: code, reason: reason, message: message, kind: kind, name: name, causes: causes)
    }

    public var code: Int { status.code }
    public var reason: String { status.reason }
    public var message: String { status.message }
    /// The HTTP response carrying the `Status`.
    public var response: HTTPResponse { status.response }
    public var description: String { status.message }

    public static func badRequest(_ message: String, causes: [FieldError] = []) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message, causes: causes)
    }

    public static func unauthorized(_ message: String) -> APIError {
        APIError(code: 401, reason: "Unauthorized", message: "Unauthorized: \(message) (Authorization: Bearer <token>)")
    }

    public static func forbidden(_ message: String) -> APIError {
        APIError(code: 403, reason: "Forbidden", message: message)
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

    public static func requestEntityTooLarge(_ message: String) -> APIError {
        APIError(code: 413, reason: "RequestEntityTooLarge", message: message)
    }

    public static func unsupportedMediaType(_ type: String) -> APIError {
        APIError(
            code: 415, reason: "UnsupportedMediaType",
            message: "the body of the request was in an unknown format: \(type); accepted: application/json, application/yaml")
    }

    /// An object that failed validation, as the Kubernetes API server words it.
    public static func invalid(_ error: ValidationError, prefix: String = "") -> APIError {
        APIError(
            code: 422, reason: "Invalid", message: prefix + error.description, kind: error.kind,
            name: error.name.isEmpty ? nil : error.name, causes: error.causes)
    }

    /// A request that failed validation, with the fields at fault.
    public static func invalid(_ message: String, causes: [FieldError]) -> APIError {
        APIError(code: 422, reason: "Invalid", message: message, causes: causes)
    }

    public static func invalidField(_ field: String, _ message: String) -> APIError {
        invalid("\(field): \(message)", causes: [.invalid(field, message)])
    }

    public static func tooManyRequests(_ message: String, retryAfterSeconds: Int) -> APIError {
        var error = APIError(code: 429, reason: "TooManyRequests", message: message)
        error.status.retryAfterSeconds = retryAfterSeconds
        return error
    }

    public static func internalError(_ message: String) -> APIError {
        APIError(code: 500, reason: "InternalError", message: "Internal error occurred: \(message)")
    }

    /// `504`, as Kubernetes answers a request it could not finish in time (reason `Timeout`).
    public static func gatewayTimeout(_ message: String, retryAfterSeconds: Int) -> APIError {
        var error = APIError(code: 504, reason: "Timeout", message: message)
        error.status.retryAfterSeconds = retryAfterSeconds
        return error
    }

    public static func unavailable(_ message: String) -> APIError {
        APIError(code: 503, reason: "ServiceUnavailable", message: message)
    }
}
