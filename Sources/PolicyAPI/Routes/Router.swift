public import MicroHTTP
public import PolicyCore
public import PolicyStore
public import Logging

/// Maps requests to the service: `handle(_:)` is a plain function, so tests need no socket.
public struct Router: Sendable {
    public let service: PolicyService
    public let version: String
    let logger: Logger

    public init(service: PolicyService, version: String, logger: Logger = Logger(label: "netpold.api")) {
        self.service = service
        self.version = version
        self.logger = logger
    }

    /// Answers one request. Every error becomes a Kubernetes `Status` here and only here.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        do {
            return try route(request)
        } catch let error as APIError {
            return error.response
        } catch let error as SQLiteError where error.isWriteUnavailable {
            logger.error("store unavailable for writing: \(error)")
            return APIError.unavailable("the store cannot be written right now: \(error.message)").response
        } catch {
            logger.error("internal error on \(request.method) \(request.path): \(error)")
            return APIError.internalError("see the server log").response
        }
    }

    private func route(_ request: HTTPRequest) throws -> HTTPResponse {
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        switch segments {
        case ["healthz"]:
            try allow(request, ["GET"])
            return .json(.object(["status": .string("ok")]))
        case ["readyz"]:
            try allow(request, ["GET"])
            _ = try service.repository.revision()
            return .json(.object(["status": .string("ready"), "revision": .integer(service.current.revision)]))
        case ["version"]:
            try allow(request, ["GET"])
            return .json(
                .object([
                    "name": .string("netpold"), "version": .string(version),
                    "schemaVersion": .string(service.repository.schemaVersions.last ?? ""),
                    "migrations": .array(service.repository.schemaVersions.map { .string($0) }),
                ]))
        case ["v1", "import"]:
            try allow(request, ["POST"])
            return try importBundle(request)
        case ["v1", "export"]:
            try allow(request, ["GET"])
            return try export(request)
        case ["v1", "decide"]:
            try allow(request, ["GET", "POST"])
            return try decide(request)
        case ["v1", "decide", "batch"]:
            try allow(request, ["POST"])
            return try decideBatch(request)
        case ["v1", "selectors", "evaluate"]:
            try allow(request, ["POST"])
            return try evaluateSelector(request)
        default:
            if let target = ResourcePath(segments) { return try handleResource(request, target) }
            throw APIError.routeNotFound(request.path)
        }
    }

    func allow(_ request: HTTPRequest, _ methods: [String]) throws(APIError) {
        guard methods.contains(request.method) else { throw APIError.methodNotAllowed(request.method, request.path) }
    }
}

extension HTTPResponse {
    /// A JSON response.
    static func json(_ value: JSONValue, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: JSONWriter.bytes(value))
    }
}
